import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One changed field of an amendment, as the public reads it. */
export class FieldChange {
  before: unknown;
  after: unknown;
}

@Entity({ name: 'problem_amendments' })
export class ProblemAmendment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'problem_id', type: 'uuid' })
  problemId: string;

  @Column('int')
  number: number;

  @Column({ type: 'jsonb' })
  changes: Record<string, FieldChange>;

  @Column('text')
  reason: string;

  @Column({ name: 'previous_deadline', type: 'timestamptz' })
  previousDeadline: Date;

  @Column({ name: 'new_deadline', type: 'timestamptz' })
  newDeadline: Date;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
