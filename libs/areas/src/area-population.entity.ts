import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An area's population on a date, with its source; at most one per area and date. */
@Entity({ name: 'area_populations' })
export class AreaPopulation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'area_code', type: 'text' })
  areaCode: string;

  /** YYYY-MM-DD */
  @Column({ name: 'as_of', type: 'date' })
  asOf: string;

  @Column('integer')
  population: number;

  @Column('text')
  source: string;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
