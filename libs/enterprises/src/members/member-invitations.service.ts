import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode, Language } from '@app/common';
import { AuditService } from '@app/audit';
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
import { MemberInvitation } from './member-invitation.entity';
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
      await manager.insert(MemberInvitation, {
        id,
        enterpriseId,
        email: dto.email.trim().toLowerCase(),
        fullName: dto.fullName,
        language,
        invitedBy: actor.id,
        tokenHash: null,
        expiresAt: () => `now() + make_interval(hours => ${hours})`,
      });
      const invitation = await manager.getRepository(MemberInvitation).findOneByOrFail({ id });
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
    const rows = await manager
      .getRepository(MemberInvitation)
      .createQueryBuilder('i')
      .where('i.enterpriseId = :enterpriseId AND i.expires_at > now()', { enterpriseId })
      .orderBy('i.createdAt', 'DESC')
      .getMany();
    return rows.map(toView);
  }

  /** The mailed link: the invitee chooses a password and becomes a member; the link then stops working. */
  async accept(token: string, password: string): Promise<UserView> {
    const parsed = parseOpaqueToken(token);
    const invalid = new AppError(ErrorCode.INVITATION_LINK_INVALID);
    if (!parsed) throw invalid;
    const email = (await this.dataSource.getRepository(MemberInvitation).findOneBy({ id: parsed.id }))?.email;
    if (!email) throw invalid;
    const passwordHash = await hashPassword(acceptablePasswordOrFail(password, email));
    try {
      return await this.dataSource.transaction(async (manager) => {
        const invitation = await manager
          .getRepository(MemberInvitation)
          .createQueryBuilder('i')
          .addSelect('i.tokenHash')
          .where('i.id = :id AND i.expires_at > now()', { id: parsed.id })
          .setLock('pessimistic_write')
          .getOne();
        if (!invitation?.tokenHash || !sameTokenHash(invitation.tokenHash, parsed.hash)) throw invalid;
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
        await manager.delete(MemberInvitation, { id: invitation.id });
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
