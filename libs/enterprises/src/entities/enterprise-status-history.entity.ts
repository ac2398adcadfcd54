import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EnterpriseStatus } from '../enterprise.constants';

/** One dated status change. Rows are only ever added: the indicator is computed from them. */
@Entity({ name: 'enterprise_status_history' })
export class EnterpriseStatusHistory {
  @PrimaryColumn({ type: 'bigint', insert: false, update: false })
  id: string;

  @Column({ name: 'enterprise_id', type: 'uuid' })
  enterpriseId: string;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: EnterpriseStatus | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus: EnterpriseStatus;

  /** YYYY-MM-DD: when it took effect, which may be earlier than when it was recorded. */
  @Column({ name: 'effective_date', type: 'date' })
  effectiveDate: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', insert: false, update: false })
  recordedAt: Date;
}
