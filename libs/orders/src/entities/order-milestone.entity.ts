import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MilestonePhase, MilestoneStatus } from '../order.constants';

@Entity('order_milestones')
export class OrderMilestone {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'int' }) number: number;
  @Column({ type: 'text' }) phase: MilestonePhase;
  @Column({ type: 'text' }) deliverable: string;
  @Column({ name: 'due_date', type: 'date' }) dueDate: string;
  @Column({ type: 'bigint' }) amount: string;
  @Column({ type: 'jsonb' }) kpis: { name: string; target: number; unit: string | null }[];
  @Column({ type: 'text' }) status: MilestoneStatus;
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true }) acceptedAt: Date | null;
  /** When the department paid the milestone's amount (accepted milestones only). */
  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true }) paidAt: Date | null;
  @Column({ name: 'paid_by', type: 'uuid', nullable: true }) paidBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
