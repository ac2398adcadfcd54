import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EnterpriseStatus, HeadcountBand, Sector } from '../enterprise.constants';

export interface EnterpriseProduct {
  name: string;
  description?: string;
  url?: string;
}

/**
 * A registered firm. Its id is its organisation's id (users.organization_id points at both).
 * search_document is a generated column and is left out here: only the directory query reads it.
 */
@Entity({ name: 'enterprises' })
export class Enterprise {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'tax_code', type: 'text' })
  taxCode: string;

  @Column({ name: 'legal_name', type: 'text' })
  legalName: string;

  @Column({ name: 'short_name', type: 'text', nullable: true })
  shortName: string | null;

  /** YYYY-MM-DD */
  @Column({ name: 'founded_on', type: 'date', nullable: true })
  foundedOn: string | null;

  @Column('text')
  address: string;

  @Column({ name: 'area_code', type: 'text' })
  areaCode: string;

  @Column({ type: 'text', array: true })
  sectors: Sector[];

  @Column({ type: 'text', array: true })
  tags: string[];

  @Column({ name: 'headcount_band', type: 'text', nullable: true })
  headcountBand: HeadcountBand | null;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'contact_email', type: 'text', nullable: true })
  contactEmail: string | null;

  @Column({ type: 'jsonb' })
  products: EnterpriseProduct[];

  @Column('text')
  status: EnterpriseStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  /** YYYY-MM-DD: when the current status took effect. */
  @Column({ name: 'status_effective_date', type: 'date', nullable: true })
  statusEffectiveDate: string | null;

  /** YYYY-MM-DD: when the counted area/sectors last moved while verified. */
  @Column({ name: 'activity_moved_on', type: 'date', nullable: true })
  activityMovedOn: string | null;

  /** YYYY-MM-DD: when digital-technology activity began, if later than the founding date (with evidence). */
  @Column({ name: 'activity_started_on', type: 'date', nullable: true })
  activityStartedOn: string | null;

  @Column({ name: 'activity_start_evidence', type: 'text', nullable: true })
  activityStartEvidence: string | null;

  /** 'imported': from the city's official list (verified on import); 'registered': by the firm itself. */
  @Column({ type: 'text', default: 'registered' })
  origin: 'registered' | 'imported';

  @Column({ name: 'import_id', type: 'uuid', nullable: true })
  importId: string | null;

  @Column({ name: 'import_source', type: 'text', nullable: true })
  importSource: string | null;

  /** When the firm's owner claimed an imported record (approved by an admin). */
  @Column({ name: 'claimed_at', type: 'timestamptz', nullable: true })
  claimedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
