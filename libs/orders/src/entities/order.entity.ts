import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderStatus } from '../order.constants';

/** The order placed with the winning firm once the standstill ended cleanly. */
@Entity('orders')
export class Order {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Null for a direct re-order from the catalogue. */
  @Column({ name: 'problem_id', type: 'uuid', nullable: true }) problemId: string | null;
  @Column({ name: 'proposal_id', type: 'uuid', nullable: true }) proposalId: string | null;
  /** The catalogue order a direct re-order repeats. */
  @Column({ name: 'source_order_id', type: 'uuid', nullable: true }) sourceOrderId: string | null;
  /** Why the re-order goes to the same firm without a competition. */
  @Column({ type: 'text', nullable: true }) justification: string | null;
  @Column({ type: 'text' }) title: string;
  @Column({ name: 'enterprise_id', type: 'uuid' }) enterpriseId: string;
  @Column({ name: 'department_id', type: 'uuid' }) departmentId: string;
  @Column({ type: 'text' }) status: OrderStatus;
  /** bigint comes back from pg as a string. */
  @Column({ type: 'bigint' }) price: string;
  @Column({ name: 'duration_months', type: 'int' }) durationMonths: number;
  @Column({ type: 'text' }) plan: string;
  @Column({ type: 'boolean' }) staged: boolean;
  @Column({ name: 'plan_version', type: 'int' }) planVersion: number;
  @Column({ name: 'department_agreed_version', type: 'int', nullable: true }) departmentAgreedVersion: number | null;
  @Column({ name: 'firm_agreed_version', type: 'int', nullable: true }) firmAgreedVersion: number | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'terminated_at', type: 'timestamptz', nullable: true }) terminatedAt: Date | null;
  @Column({ name: 'termination_reason', type: 'text', nullable: true }) terminationReason: string | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
