import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError, AuthUser, cityIso, DEFAULT_LANGUAGE, ErrorCode, fieldName, Msg, translate } from '@app/common';
import { AuditService } from '@app/audit';
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
  status: ClaimStatus;
  reason: string | null;
  created_at: Date;
  decided_at: Date | null;
}

const CLAIM_SQL = `SELECT c.id, c.enterprise_id, c.user_id, u.email, u.full_name, c.status, c.reason, c.created_at, c.decided_at
                     FROM enterprise_claims c JOIN users u ON u.id = c.user_id`;

const toView = (r: ClaimRow): ClaimView => ({
  id: r.id,
  enterpriseId: r.enterprise_id,
  user: { id: r.user_id, email: r.email, fullName: r.full_name },
  status: r.status,
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
    const [claim] = await manager.query<{ id: string }[]>(
      `INSERT INTO enterprise_claims (enterprise_id, user_id) VALUES ($1, $2) RETURNING id`,
      [enterpriseId, user.id],
    );
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
    const rows = await this.dataSource.query<ClaimRow[]>(`${CLAIM_SQL} WHERE c.enterprise_id = $1 ORDER BY c.created_at, c.id`, [
      enterpriseId,
    ]);
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
      const [claim] = await manager.query<ClaimRow[]>(`${CLAIM_SQL} WHERE c.id = $1 AND c.enterprise_id = $2 FOR UPDATE OF c`, [
        claimId,
        enterpriseId,
      ]);
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
      await manager.query(
        `UPDATE enterprise_claims SET status = $2, reason = $3, decided_by = $4, decided_at = now() WHERE id = $1`,
        [claimId, approve ? 'approved' : 'rejected', reason ?? null, actor.id],
      );
      if (approve) {
        await manager.query(`UPDATE users SET organization_id = $2, org_role = 'owner', updated_at = now() WHERE id = $1`, [
          claim.user_id,
          enterpriseId,
        ]);
        await manager.query(`UPDATE enterprises SET claimed_at = now(), updated_at = now() WHERE id = $1`, [enterpriseId]);
        // One owner: the other claims on the firm are answered too.
        await manager.query(
          `UPDATE enterprise_claims SET status = 'rejected', reason = $3, decided_by = $2, decided_at = now()
            WHERE enterprise_id = $1 AND status = 'pending'`,
          // A recorded reason is data, kept in the portal's language like the reasons officers write.
          [enterpriseId, actor.id, translate(DEFAULT_LANGUAGE, 'claims.supersededReason')],
        );
      }
      await this.audit.record(manager, {
        actor,
        action: approve ? 'enterprise.claim_approved' : 'enterprise.claim_rejected',
        entityType: 'enterprise',
        entityId: enterpriseId,
        before: { claimId, status: 'pending' },
        after: { claimId, status: approve ? 'approved' : 'rejected', userId: claim.user_id, reason: reason ?? null },
      });
      const [after] = await manager.query<ClaimRow[]>(`${CLAIM_SQL} WHERE c.id = $1`, [claimId]);
      return toView(after);
    });
  }
}
