import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, Language } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { MAIL_JOBS, OutboxService } from '@app/jobs';
import {
  acceptablePasswordOrFail,
  hashPassword,
  isUniqueViolation,
  parseOpaqueToken,
  sameTokenHash,
  toUserSnapshot,
  toUserView,
  UsersService,
  UserView,
} from '@app/identity';
import { assertOwnerOrAdmin, findEnterprise } from '../enterprise-access';
import { MemberInvitation, selectInvitations, toInvitation } from './member-invitation';
import { pruneExpiredLinks } from '../expiring-links';

export class MemberInvitationView {
  id: string;
  email: string;
  fullName: string;
  invitedAt: string;
  expiresAt: string;
}

const toView = (i: MemberInvitation): MemberInvitationView => ({
  id: i.id,
  email: i.email,
  fullName: i.fullName,
  invitedAt: cityIso(i.createdAt),
  expiresAt: cityIso(i.expiresAt),
});

/**
 * A firm's owner (or an admin) invites a colleague by e-mail. The request does the same work for
 * every address — it never looks the address up — so neither its answer, its timing nor the list of
 * pending invitations tells the owner whether the address has an account; the worker decides which
 * mail goes out (a link to join, or a notice to the holder of an existing account). The account is
 * made when the invitee accepts and chooses a password.
 */
@Injectable()
export class MemberInvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  async invite(
    actor: AuthUser,
    enterpriseId: string,
    dto: { email: string; fullName: string },
    language: Language,
  ): Promise<MemberInvitationView> {
    const hours = this.config.get('PASSWORD_SETUP_TTL_HOURS');
    return this.dataSource.transaction(async (manager) => {
      const firm = await findEnterprise(manager, enterpriseId, true);
      await assertOwnerOrAdmin(manager, actor, firm, 'addMembers');
      const id = randomUUID();
      await db(manager)
        .insertInto('member_invitations')
        .values({
          id,
          enterprise_id: enterpriseId,
          email: dto.email.trim().toLowerCase(),
          full_name: dto.fullName,
          language,
          invited_by: actor.id,
          token_hash: null,
          expires_at: sql<Date>`now() + make_interval(hours => ${hours})`,
        })
        .execute();
      const invitation = toInvitation(await selectInvitations(manager).where('i.id', '=', id).executeTakeFirstOrThrow());
      await this.audit.record(manager, {
        actor,
        action: 'enterprise.member_invited',
        entityType: 'enterprise',
        entityId: enterpriseId,
        after: { invitation: toView(invitation) },
      });
      await this.outbox.enqueueMail(manager, MAIL_JOBS.memberInvited, { invitationId: id });
      return toView(invitation);
    });
  }

  /** Invitations not yet accepted and not expired: for the firm's owner and admins. */
  async pending(actor: AuthUser, enterpriseId: string): Promise<MemberInvitationView[]> {
    const manager = this.dataSource.manager;
    const firm = await findEnterprise(manager, enterpriseId);
    await assertOwnerOrAdmin(manager, actor, firm, 'addMembers');
    const rows = await selectInvitations(manager)
      .where('i.enterprise_id', '=', enterpriseId)
      .where('i.expires_at', '>', sql<Date>`now()`)
      .orderBy('i.created_at', 'desc')
      .execute();
    return rows.map(toInvitation).map(toView);
  }

  /** The mailed link: the invitee chooses a password and becomes a member; the link then stops working. */
  async accept(token: string, password: string): Promise<UserView> {
    const parsed = parseOpaqueToken(token);
    const invalid = new AppError(ErrorCode.INVITATION_LINK_INVALID);
    if (!parsed) throw invalid;
    const email = (
      await db(this.dataSource).selectFrom('member_invitations').select('email').where('id', '=', parsed.id).executeTakeFirst()
    )?.email;
    if (!email) throw invalid;
    const passwordHash = await hashPassword(acceptablePasswordOrFail(password, email));
    try {
      return await this.dataSource.transaction(async (manager) => {
        const row = await selectInvitations(manager)
          .select('i.token_hash')
          .where('i.id', '=', parsed.id)
          .where('i.expires_at', '>', sql<Date>`now()`)
          .forUpdate()
          .executeTakeFirst();
        if (!row?.token_hash || !sameTokenHash(row.token_hash, parsed.hash)) throw invalid;
        const invitation = toInvitation(row);
        const firm = await findEnterprise(manager, invitation.enterpriseId, true);
        const user = await this.users.insertUser(manager, {
          email: invitation.email,
          fullName: invitation.fullName,
          role: 'enterprise',
          organizationId: firm.id,
          passwordHash,
          orgRole: 'member',
          language: invitation.language,
        });
        await this.audit.record(manager, {
          actor: { id: user.id, role: user.role },
          action: 'enterprise.member_added',
          entityType: 'enterprise',
          entityId: firm.id,
          after: { ...toUserSnapshot(user), invitationId: invitation.id, invitedBy: invitation.invitedBy },
        });
        await db(manager).deleteFrom('member_invitations').where('id', '=', invitation.id).execute();
        return toUserView(user);
      });
    } catch (err) {
      // Only the holder of the mailbox gets this far: telling them is no leak.
      if (isUniqueViolation(err, 'users_email_uq')) throw new AppError(ErrorCode.EMAIL_TAKEN);
      throw err;
    }
  }

  /** Retention: invitations whose link expired more than `days` ago. */
  pruneExpired(days: number): Promise<number> {
    return pruneExpiredLinks(this.dataSource, 'member_invitations', days);
  }
}
