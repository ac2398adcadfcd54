import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Language } from '@app/common';
import type { RegisterEnterpriseProfileDto } from '../dto/register-enterprise.dto';

/** A firm's registration waiting for its owner to open the link mailed to the address given. */
@Entity({ name: 'registration_requests' })
export class RegistrationRequest {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'full_name', type: 'text' })
  fullName: string;

  /** Hashed when asked, so the answer costs the same whether or not the address has an account. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'text' })
  language: Language;

  @Column({ type: 'jsonb' })
  profile: RegisterEnterpriseProfileDto;

  /** SHA-256 of the link's secret, made by the worker when it mails the link (no secret waits in the outbox). */
  @Column({ name: 'token_hash', type: 'text', nullable: true, select: false })
  tokenHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
