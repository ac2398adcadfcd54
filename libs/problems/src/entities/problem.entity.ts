import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Rubric } from '../rubric';
import type { ProblemSector, ProblemStatus } from '../problem.constants';

export class Kpi {
  name: string;
  target: string;
}

export class ProblemContact {
  name: string;
  email?: string | null;
  phone?: string | null;
}

/** bigint comes back from pg as a string; budgets in VND stay far below 2^53. */
const bigintAsNumber = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null ? null : Number(v)),
};

@Entity({ name: 'problems' })
export class Problem {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'department_id', type: 'uuid' })
  departmentId: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column('text')
  status: ProblemStatus;

  @Column('text')
  title: string;

  @Column('text')
  summary: string;

  @Column('text')
  description: string;

  @Column({ name: 'expected_results', type: 'text' })
  expectedResults: string;

  @Column({ type: 'jsonb' })
  kpis: Kpi[];

  @Column('text')
  sector: ProblemSector;

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ name: 'area_code', type: 'text', nullable: true })
  areaCode: string | null;

  @Column({ name: 'data_available', type: 'text', nullable: true })
  dataAvailable: string | null;

  @Column({ name: 'constraints_text', type: 'text', nullable: true })
  constraints: string | null;

  @Column({ name: 'budget_ceiling', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  budgetCeiling: number | null;

  @Column({ name: 'duration_months', type: 'int', nullable: true })
  durationMonths: number | null;

  @Column({ type: 'timestamptz' })
  deadline: Date;

  @Column({ name: 'clarification_deadline', type: 'timestamptz' })
  clarificationDeadline: Date;

  @Column({ type: 'jsonb' })
  rubric: Rubric;

  @Column({ type: 'jsonb', nullable: true })
  contact: ProblemContact | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ name: 'amendment_count', type: 'int' })
  amendmentCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
