import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityIso, DEFAULT_LANGUAGE, ErrorCode, fieldName, Msg, translate } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { joinOrganization } from '@app/identity';
import { sql } from 'kysely';
import { findEnterprise } from '../enterprise-access';

export type ClaimStatus = 'pending' | 'approved' | 'rejected';

export class ClaimantView {
  id: string;
  email: string;
  fullName: string;
}

export class ClaimView {
  id: string;
  enterpriseId: string;
  user: ClaimantView;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

interface ClaimRow {
  id: string;
  enterprise_id: string;
  user_id: string;
  email: string;
  full_name: string;
  status: string;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

/** A claim with its claimant's name and address. */
const selectClaims = (manager: EntityManager) =>
  db(manager)
    .selectFrom('enterprise_claims as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([
      'c.id',
      'c.enterprise_id',
      'c.user_id',
      'u.email',
      'u.full_name',
      'c.status',
      'c.reason',
      'c.created_at',
      'c.decided_at',
    ]);

const toView = (r: ClaimRow): ClaimView => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  user: { id: r.user_id, email: r.email, fullName: r.full_name },
  status: r.status as ClaimStatus,
  reason: r.reason,
  createdAt: cityIso(r.created_at),
  decidedAt: r.decided_at ? cityIso(r.decided_at) : null,
});

/**
 * Owners taking over the record the city imported: registering with an imported firm's tax code
 * files a claim instead of a duplicate; an admin approves it (the account joins the firm as its
 * owner, the record becomes the firm's own) or rejects it with a reason.
 */
@Injectable()
export class EnterpriseClaimsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** In the registration's transaction: the claim of a new account on an imported, unclaimed firm. */
  async file(
    manager: EntityManager,
    enterpriseId: string,
    user: { id: string; role: 'enterprise' },
  ): Promise<{ id: string; status: ClaimStatus }> {
    const claim = await db(manager)
      .insertInto('enterprise_claims')
      .values({ enterprise_id: enterpriseId, user_id: user.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.audit.record(manager, {
      actor: user,
      action: 'enterprise.claim_filed',
      entityType: 'enterprise',
      entityId: enterpriseId,
      after: { claimId: claim.id, userId: user.id },
    });
    return { id: claim.id, status: 'pending' };
  }

  async list(enterpriseId: string): Promise<ClaimView[]> {
    await findEnterprise(this.dataSource.manager, enterpriseId);
    const rows = await selectClaims(this.dataSource.manager)
      .where('c.enterprise_id', '=', enterpriseId)
      .orderBy('c.created_at')
      .orderBy('c.id')
      .execute();
    return rows.map(toView);
  }

  async decide(actor: AuthUser, enterpriseId: string, claimId: string, approve: boolean, reason?: string): Promise<ClaimView> {
    if (!approve && !reason) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, {}, [
        { field: 'reason', errors: [new Msg('validation.claimReasonRequired', { field: fieldName('reason') })] },
      ]);
    }
    return this.dataSource.transaction(async (manager) => {
      const firm = await findEnterprise(manager, enterpriseId, true);
      const claim: ClaimRow | undefined = await selectClaims(manager)
        .where('c.id', '=', claimId)
        .where('c.enterprise_id', '=', enterpriseId)
        .forUpdate('c')
        .executeTakeFirst();
      if (!claim) throw new AppError(ErrorCode.CLAIM_NOT_FOUND, { claimId });
      if (claim.status !== 'pending') {
        throw new AppError(
          ErrorCode.CLAIM_STATUS_CONFLICT,
          { status: new Msg(`claimStatus.${claim.status}`) },
          { status: claim.status },
        );
      }
      if (approve && firm.claimedAt) {
        throw new AppError(
          ErrorCode.CLAIM_STATUS_CONFLICT,
          { context: 'claimed' },
          {
            status: 'claimed',
          },
        );
      }
      const now = sql<Date>`now()`;
      await db(manager)
        .updateTable('enterprise_claims')
        .set({ status: approve ? 'approved' : 'rejected', reason: reason ?? null, decided_by: actor.id, decided_at: now })
        .where('id', '=', claimId)
        .execute();
      if (approve) {
        await joinOrganization(manager, claim.user_id, enterpriseId, 'owner');
        await db(manager)
          .updateTable('enterprises')
          .set({ claimed_at: now, updated_at: now })
          .where('id', '=', enterpriseId)
          .execute();
        // One owner: the other claims on the firm are answered too.
        await db(manager)
          .updateTable('enterprise_claims')
          // A recorded reason is data, kept in the portal's language like the reasons officers write.
          .set({
            status: 'rejected',
            reason: translate(DEFAULT_LANGUAGE, 'claims.supersededReason'),
            decided_by: actor.id,
            decided_at: now,
          })
          .where('enterprise_id', '=', enterpriseId)
          .where('status', '=', 'pending')
          .execute();
      }
      await this.audit.record(manager, {
        actor,
        action: approve ? 'enterprise.claim_approved' : 'enterprise.claim_rejected',
        entityType: 'enterprise',
        entityId: enterpriseId,
        before: { claimId, status: 'pending' },
        after: { claimId, status: approve ? 'approved' : 'rejected', userId: claim.user_id, reason: reason ?? null },
      });
      const after = await selectClaims(manager).where('c.id', '=', claimId).executeTakeFirstOrThrow();
      return toView(after);
    });
  }
}
