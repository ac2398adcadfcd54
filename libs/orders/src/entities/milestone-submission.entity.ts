import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One round of a deliverable: what the firm submitted and what the department decided. */
@Entity('milestone_submissions')
export class MilestoneSubmission {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'milestone_id', type: 'uuid' }) milestoneId: string;
  @Column({ type: 'int' }) round: number;
  @Column({ type: 'text' }) text: string;
  @Column({ name: 'kpi_results', type: 'jsonb' }) kpiResults: { kpi: string; value: number; evidence: string }[];
  @Column({ name: 'submitted_by', type: 'uuid' }) submittedBy: string;
  @Column({ name: 'submitted_at', type: 'timestamptz' }) submittedAt: Date;
  @Column({ type: 'text', nullable: true }) decision: 'accepted' | 'returned' | null;
  @Column({ name: 'decision_reason', type: 'text', nullable: true }) decisionReason: string | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
}
