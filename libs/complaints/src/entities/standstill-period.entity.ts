import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The standstill after one decision: fixed when first needed, so a later calendar edit cannot move it. */
@Entity('standstill_periods')
export class StandstillPeriod {
  @PrimaryColumn({ name: 'problem_id', type: 'uuid' })
  problemId: string;

  @PrimaryColumn({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;

  @Column({ type: 'text' })
  outcome: 'awarded' | 'unsuccessful';

  @Column({ name: 'working_days', type: 'int' })
  workingDays: number;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
