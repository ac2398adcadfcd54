import { randomUUID } from 'node:crypto';
import { assertCommuneLevelArea } from '@app/areas';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiProperty } from '@nestjs/swagger';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, ErrorCode, Language } from '@app/common';
import { AuditService } from '@app/audit';
import { MAIL_JOBS, OutboxService } from '@app/jobs';
import {
  acceptablePasswordOrFail,
  createOrganization,
  findUserIdByEmail,
  hashPassword,
  isUniqueViolation,
  parseOpaqueToken,
  sameTokenHash,
  toUserSnapshot,
  toUserView,
  UsersService,
  UserView,
} from '@app/identity';
import type { EnterpriseStatus } from '../enterprise.constants';
import { Enterprise, insertEnterprise, selectEnterprises, toEnterprise } from '../enterprise-records';
import { EnterpriseClaimsService } from '../claims/enterprise-claims.service';
import { areaNameOf } from '../enterprise-access';
import { toEnterpriseSnapshot } from '../enterprise-views';
import { checkActivityStart, notInFuture } from '../enterprise-rules';
import { insertStatusHistory } from '../status-history';
import { normalizeTaxCodeOrFail } from '../tax-code-errors';
import { RegisterEnterpriseDto, RegisterEnterpriseProfileDto } from '../dto/register-enterprise.dto';
import { RegistrationRequest, selectRegistrationRequests, toRegistrationRequest } from './registration-request';
import { pruneExpiredLinks } from '../expiring-links';
import { cityTodayByDb, db } from '@app/database';

/** The one answer to a registration, whether or not the address already has an account. */
export class RegistrationRequested {
  @ApiProperty({ enum: ['confirmation_sent'] })
  status: 'confirmation_sent';
  @ApiProperty({ description: 'Where the confirmation link was sent' })
  email: string;
  @ApiProperty({ description: 'How long the link works' })
  expiresInHours: number;
}

export class RegistrationResult {
  user: UserView;
  enterprise: { id: string; status: EnterpriseStatus; taxCode: string };
  /** Registering with the tax code of a firm the city imported files a claim on it, decided by an admin. */
  claim?: { id: string; status: 'pending' };
}

/**
 * A firm registers in two steps. The form is checked and the address is mailed — a confirmation link
 * if it is new, a notice to its holder if it already has an account — and the answer is the same
 * either way, so registering never tells a stranger whether an address has an account. Opening the
 * link creates the firm (pending, or a claim on an imported firm) and its owner account.
 */
@Injectable()
export class EnterpriseRegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly claims: EnterpriseClaimsService,
    private readonly config: AppConfig,
  ) {}

  async request(dto: RegisterEnterpriseDto, language: Language): Promise<RegistrationRequested> {
    const email = dto.email.trim().toLowerCase();
    const taxCode = normalizeTaxCodeOrFail(dto.enterprise.taxCode, 'enterprise.taxCode');
    // Hashed on both paths, so a known address answers in the same time as an unknown one.
    const passwordHash = await hashPassword(acceptablePasswordOrFail(dto.password, dto.email));
    const hours = this.config.get('REGISTRATION_CONFIRM_TTL_HOURS');
    await this.dataSource.transaction(async (manager) => {
      await checkFirm(manager, dto.enterprise, taxCode);
      const holder = await findUserIdByEmail(manager, email);
      if (holder) {
        await this.outbox.enqueueMail(manager, MAIL_JOBS.registrationOnExistingAccount, { userId: holder });
        return;
      }
      const id = randomUUID();
      await db(manager)
        .insertInto('registration_requests')
        .values({
          id,
          email,
          full_name: dto.fullName,
          password_hash: passwordHash,
          language,
          profile: JSON.stringify({ ...dto.enterprise, taxCode }),
          token_hash: null,
          expires_at: sql<Date>`now() + make_interval(hours => ${hours})`,
        })
        .execute();
      await this.outbox.enqueueMail(manager, MAIL_JOBS.registrationRequested, { requestId: id });
    });
    return { status: 'confirmation_sent', email, expiresInHours: hours };
  }

  /** The mailed link: creates the firm and its owner account, once; the link then stops working. */
  async confirm(token: string): Promise<RegistrationResult> {
    const parsed = parseOpaqueToken(token);
    const invalid = new AppError(ErrorCode.REGISTRATION_LINK_INVALID);
    if (!parsed) throw invalid;
    let taxCode = '';
    try {
      return await this.dataSource.transaction(async (manager) => {
        const row = await selectRegistrationRequests(manager)
          .select(['r.password_hash', 'r.token_hash'])
          .where('r.id', '=', parsed.id)
          .where('r.expires_at', '>', sql<Date>`now()`)
          .forUpdate()
          .executeTakeFirst();
        if (!row?.token_hash || !sameTokenHash(row.token_hash, parsed.hash)) throw invalid;
        const request = { ...toRegistrationRequest(row), passwordHash: row.password_hash };
        taxCode = request.profile.taxCode;
        const result = await this.createFirm(manager, request);
        await db(manager).deleteFrom('registration_requests').where('id', '=', request.id).execute();
        return result;
      });
    } catch (err) {
      // Two registrations racing past the checks: the unique indexes decide.
      if (isUniqueViolation(err, 'enterprises_tax_code_uq')) throw taxCodeTaken(taxCode);
      if (isUniqueViolation(err, 'users_email_uq')) throw new AppError(ErrorCode.EMAIL_TAKEN);
      throw err;
    }
  }

  /** Retention: requests whose link expired more than `days` ago (they hold personal data). */
  pruneExpired(days: number): Promise<number> {
    return pruneExpiredLinks(this.dataSource, 'registration_requests', days);
  }

  /**
   * Organisation, enterprise, owner, the first history row (→ pending), the audit entry and the
   * acknowledgement mail commit together or not at all. The checks run again: time has passed.
   */
  private async createFirm(
    manager: EntityManager,
    request: RegistrationRequest & { passwordHash: string },
  ): Promise<RegistrationResult> {
    const profile = request.profile;
    const existing = await checkFirm(manager, profile, profile.taxCode);
    if (await findUserIdByEmail(manager, request.email)) throw new AppError(ErrorCode.EMAIL_TAKEN);
    const account = {
      email: request.email,
      fullName: request.fullName,
      passwordHash: request.passwordHash,
      language: request.language,
    };
    if (existing) {
      // The city imported this firm: the account waits, without the firm, until an admin approves its claim.
      const claimant = await this.users.insertUser(manager, { ...account, role: 'enterprise', organizationId: null });
      const claim = await this.claims.file(manager, existing.id, { id: claimant.id, role: 'enterprise' });
      return {
        user: toUserView(claimant),
        enterprise: { id: existing.id, status: existing.status, taxCode: existing.taxCode },
        claim: { id: claim.id, status: 'pending' as const },
      };
    }

    const today = await cityTodayByDb(manager);
    const org = await createOrganization(manager, { kind: 'enterprise', name: profile.legalName, code: null });
    const firm = await insertEnterprise(manager, {
      id: org.id,
      taxCode: profile.taxCode,
      legalName: profile.legalName,
      shortName: profile.shortName ?? null,
      foundedOn: profile.foundedOn ?? null,
      activityStartedOn: profile.activityStartedOn ?? null,
      activityStartEvidence: profile.activityStartEvidence ?? null,
      origin: 'registered',
      importId: null,
      importSource: null,
      claimedAt: null,
      address: profile.address,
      areaCode: profile.areaCode,
      sectors: profile.sectors,
      tags: profile.tags ?? [],
      headcountBand: profile.headcountBand ?? null,
      website: profile.website ?? null,
      phone: profile.phone ?? null,
      contactEmail: profile.contactEmail ?? null,
      products: profile.products ?? [],
      status: 'pending',
      statusReason: null,
      statusEffectiveDate: today,
      activityMovedOn: null,
    });
    const owner = await this.users.insertUser(manager, {
      ...account,
      role: 'enterprise',
      organizationId: org.id,
      orgRole: 'owner',
    });
    const historyId = await insertStatusHistory(manager, {
      enterpriseId: firm.id,
      fromStatus: null,
      toStatus: 'pending',
      effectiveDate: today,
      reason: null,
      actorId: owner.id,
    });
    const areaName = await areaNameOf(manager, firm.areaCode);
    await this.audit.record(manager, {
      actor: { id: owner.id, role: owner.role },
      action: 'enterprise.registered',
      entityType: 'enterprise',
      entityId: firm.id,
      after: { enterprise: toEnterpriseSnapshot(firm, { areaName, privileged: true }), owner: toUserSnapshot(owner) },
    });
    // The same job as every later decision: it acknowledges the registration (→ pending).
    await this.outbox.enqueueMail(manager, MAIL_JOBS.enterpriseStatusChanged, { enterpriseId: firm.id, historyId });
    return { user: toUserView(owner), enterprise: { id: firm.id, status: firm.status, taxCode: firm.taxCode } };
  }
}

/**
 * The firm's side of a registration: dates, area, and a tax code nobody holds (an imported firm not
 * yet claimed may be claimed; it is returned). Nothing here depends on the e-mail address.
 */
async function checkFirm(
  manager: EntityManager,
  profile: RegisterEnterpriseProfileDto,
  taxCode: string,
): Promise<Enterprise | null> {
  const today = await cityTodayByDb(manager);
  notInFuture(profile.foundedOn, today, 'enterprise.foundedOn');
  checkActivityStart(
    profile.foundedOn ?? null,
    profile.activityStartedOn ?? null,
    profile.activityStartEvidence ?? null,
    today,
    'enterprise.',
  );
  await assertCommuneLevelArea(manager, profile.areaCode, 'enterprise.areaCode');
  const row = await selectEnterprises(manager).where('e.tax_code', '=', taxCode).forUpdate().executeTakeFirst();
  const existing = row ? toEnterprise(row) : null;
  if (existing && (existing.origin !== 'imported' || existing.claimedAt)) throw taxCodeTaken(taxCode);
  return existing;
}

function taxCodeTaken(taxCode: string): AppError {
  return new AppError(ErrorCode.TAX_CODE_TAKEN, { taxCode }, { taxCode });
}
