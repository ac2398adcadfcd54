import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MilestoneChange } from '../variation-rules';

/** A numbered change to agreed milestones, proposed by one side and agreed or rejected by the other. */
@Entity('order_variations')
export class OrderVariation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'int' }) number: number;
  @Column({ type: 'text' }) status: 'proposed' | 'agreed' | 'rejected';
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'jsonb' }) changes: MilestoneChange[];
  @Column({ name: 'proposed_by_side', type: 'text' }) proposedBySide: 'department' | 'firm';
  @Column({ name: 'proposed_by', type: 'uuid' }) proposedBy: string;
  @Column({ name: 'proposed_at', type: 'timestamptz' }) proposedAt: Date;
  @Column({ name: 'answered_by', type: 'uuid', nullable: true }) answeredBy: string | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ name: 'rejection_reason', type: 'text', nullable: true }) rejectionReason: string | null;
}
