import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode } from '@app/common';
import { AuditService } from '@app/audit';
import { db, prepare } from '@app/database';
import { selectUsers, toUser, User } from './user';
import { hashPassword, verifyPassword } from './password-hasher';
import { acceptablePasswordOrFail } from './password-policy';
import { newOpaqueToken, parseOpaqueToken, sameTokenHash } from './tokens';
import type { TokenPair } from './dto/auth.dto';

export interface AccessTokenPayload {
  sub: string;
  role: string;
  org: string | null;
}

/** Who an access token's subject is now, on every authenticated request. */
const userForToken = prepare((database, p: { id: string }) =>
  database.selectFrom('users').select(['id', 'email', 'role', 'organization_id', 'status']).where('id', '=', p.id),
);

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  /**
   * Checks e-mail and password. Consecutive failures lock the account for a time that doubles
   * with each further failure (LOGIN_LOCK_BASE_SECONDS up to LOGIN_LOCK_MAX_SECONDS), which keeps
   * guessing to a dozen tries an hour per account; a locked account is refused even with the
   * right password until the lock ends.
   */
  async validateCredentials(email: string, password: string): Promise<User> {
    const row = await selectUsers(this.dataSource)
      .select('u.password_hash')
      .where(sql<boolean>`lower(u.email) = lower(${email.trim()})`)
      .executeTakeFirst();
    const user = row && { ...toUser(row), passwordHash: row.password_hash };
    // An e-mail without an account is counted and locked exactly like one with an account, and
    // every path does one argon2 verification, so neither the answer nor its timing tells which.
    const lockedUntil = user ? user.lockedUntil : await this.unknownEmailLock(email);
    if (lockedUntil && lockedUntil.getTime() > Date.now()) {
      await verifyPassword(null, password);
      throw this.lockedError(lockedUntil);
    }
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !ok) {
      await (user ? this.recordFailure(user) : this.recordUnknownEmailFailure(email));
      throw new AppError(ErrorCode.INVALID_CREDENTIALS);
    }
    if (user.status !== 'active') throw new AppError(ErrorCode.ACCOUNT_DISABLED);
    await db(this.dataSource)
      .updateTable('users')
      .set({ failed_login_count: 0, locked_until: null, last_login_at: new Date(), updated_at: sql<Date>`now()` })
      .where('id', '=', user.id)
      .execute();
    return user;
  }

  private async recordFailure(user: User): Promise<void> {
    const max = this.config.get('LOGIN_MAX_FAILURES');
    const base = this.config.get('LOGIN_LOCK_BASE_SECONDS');
    const cap = this.config.get('LOGIN_LOCK_MAX_SECONDS');
    await this.dataSource.transaction(async (manager) => {
      // One atomic statement, so concurrent failures are all counted.
      const row = await db(manager)
        .updateTable('users')
        .set((eb) => ({
          failed_login_count: eb('failed_login_count', '+', 1),
          locked_until: sql<Date | null>`CASE WHEN failed_login_count + 1 >= ${max}
            THEN now() + make_interval(secs => least(${base}::float8 * power(2, failed_login_count + 1 - ${max}), ${cap}::float8))
            ELSE locked_until END`,
        }))
        .where('id', '=', user.id)
        .returning(['failed_login_count', 'locked_until'])
        .executeTakeFirst();
      if (row?.locked_until) {
        await this.audit.record(manager, {
          actor: null,
          action: 'auth.account_locked',
          entityType: 'user',
          entityId: user.id,
          after: { failedLoginCount: row.failed_login_count, lockedUntil: row.locked_until },
        });
      }
    });
  }

  private async unknownEmailLock(email: string): Promise<Date | null> {
    const row = await db(this.dataSource)
      .selectFrom('login_failures')
      .select('locked_until')
      .where('email_key', '=', sql<string>`lower(${email.trim()})`)
      .executeTakeFirst();
    return row?.locked_until ?? null;
  }

  /** The same counting and doubling lock as recordFailure(), for an e-mail that has no account. */
  private async recordUnknownEmailFailure(email: string): Promise<void> {
    const max = this.config.get('LOGIN_MAX_FAILURES');
    const base = this.config.get('LOGIN_LOCK_BASE_SECONDS');
    const cap = this.config.get('LOGIN_LOCK_MAX_SECONDS');
    await db(this.dataSource)
      .insertInto('login_failures')
      .values({
        email_key: sql<string>`lower(${email.trim()})`,
        failed_count: 1,
        locked_until: sql<Date | null>`CASE WHEN 1 >= ${max} THEN now() + make_interval(secs => ${base}::float8) END`,
        updated_at: sql<Date>`now()`,
      })
      .onConflict((oc) =>
        oc.column('email_key').doUpdateSet((eb) => ({
          failed_count: eb('login_failures.failed_count', '+', 1),
          updated_at: sql<Date>`now()`,
          locked_until: sql<Date | null>`CASE WHEN login_failures.failed_count + 1 >= ${max}
            THEN now() + make_interval(secs => least(${base}::float8 * power(2, login_failures.failed_count + 1 - ${max}), ${cap}::float8))
            ELSE login_failures.locked_until END`,
        })),
      )
      .execute();
  }

  /**
   * Retention: refresh and set-password tokens expired (or, for set-password, used) more than `days` ago, and
   * failed-login records of unknown e-mails not touched for as long. Returns rows deleted.
   */
  async pruneExpired(days: number): Promise<number> {
    const q = db(this.dataSource);
    const cutoff = sql<Date>`now() - make_interval(days => ${days})`;
    const deleted = [
      // Used and revoked tokens are kept until they expire: presenting one is how reuse is detected.
      await q.deleteFrom('refresh_tokens').where('expires_at', '<', cutoff).executeTakeFirst(),
      await q
        .deleteFrom('password_setup_tokens')
        .where((eb) =>
          eb.or([eb('expires_at', '<', cutoff), eb.and([eb('used_at', 'is not', null), eb('used_at', '<', cutoff)])]),
        )
        .executeTakeFirst(),
      await q
        .deleteFrom('login_failures')
        .where('updated_at', '<', cutoff)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
        .executeTakeFirst(),
    ];
    return deleted.reduce((total, r) => total + Number(r.numDeletedRows), 0);
  }

  private lockedError(until: Date): AppError {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new AppError(
      ErrorCode.ACCOUNT_LOCKED,
      { until: cityIso(until) },
      { lockedUntil: cityIso(until), retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  }

  async login(user: User): Promise<TokenPair> {
    return this.dataSource.transaction((manager) => this.issueTokens(manager, user, randomUUID()));
  }

  /**
   * Rotates a refresh token. Presenting a token that was already rotated or revoked means it
   * leaked: the whole family is revoked, and every holder must log in again.
   */
  async refresh(token: string): Promise<TokenPair> {
    const parsed = parseOpaqueToken(token);
    if (!parsed) throw new AppError(ErrorCode.REFRESH_TOKEN_INVALID);
    type Outcome = { pair: TokenPair } | { error: ErrorCode };
    const result = await this.dataSource.transaction(async (manager): Promise<Outcome> => {
      const row = await db(manager)
        .selectFrom('refresh_tokens')
        .select(['id', 'family_id', 'user_id', 'token_hash', 'expires_at', 'used_at', 'revoked_at'])
        .where('id', '=', parsed.id)
        .forUpdate()
        .executeTakeFirst();
      if (!row || !sameTokenHash(row.token_hash, parsed.hash)) return { error: ErrorCode.REFRESH_TOKEN_INVALID };
      if (row.used_at || row.revoked_at) {
        await this.revokeFamily(manager, row.family_id);
        await this.audit.record(manager, {
          actor: null,
          action: 'auth.refresh_token_reused',
          entityType: 'user',
          entityId: row.user_id,
          after: { familyId: row.family_id },
        });
        return { error: ErrorCode.REFRESH_TOKEN_REUSED };
      }
      if (row.expires_at.getTime() <= Date.now()) return { error: ErrorCode.REFRESH_TOKEN_INVALID };
      const found = await selectUsers(manager).where('u.id', '=', row.user_id).executeTakeFirst();
      const user = found && toUser(found);
      if (!user || user.status !== 'active') return { error: ErrorCode.ACCOUNT_DISABLED };
      await db(manager).updateTable('refresh_tokens').set({ used_at: new Date() }).where('id', '=', row.id).execute();
      return { pair: await this.issueTokens(manager, user, row.family_id) };
    });
    if ('pair' in result) return result.pair;
    switch (result.error) {
      case ErrorCode.REFRESH_TOKEN_REUSED:
        throw new AppError(result.error);
      case ErrorCode.ACCOUNT_DISABLED:
        throw new AppError(result.error);
      default:
        throw new AppError(ErrorCode.REFRESH_TOKEN_INVALID, { context: 'expired' });
    }
  }

  /** Ends the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async logout(token: string): Promise<void> {
    const parsed = parseOpaqueToken(token);
    if (!parsed) return;
    const row = await db(this.dataSource)
      .selectFrom('refresh_tokens')
      .select(['family_id', 'token_hash'])
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || !sameTokenHash(row.token_hash, parsed.hash)) return;
    await this.revokeFamily(this.dataSource.manager, row.family_id);
  }

  /** Revokes every live token of a session (a refresh-token family). */
  private async revokeFamily(manager: EntityManager, familyId: string): Promise<void> {
    await db(manager)
      .updateTable('refresh_tokens')
      .set({ revoked_at: new Date() })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /** Sets the first password from the one-time token mailed with a new account. */
  async setPasswordWithToken(token: string, password: string): Promise<void> {
    const parsed = parseOpaqueToken(token);
    const invalid = new AppError(ErrorCode.PASSWORD_SETUP_TOKEN_INVALID);
    if (!parsed) throw invalid;
    // The policy needs the account's e-mail; a wrong token is refused before any hashing work.
    const owner = await db(this.dataSource)
      .selectFrom('password_setup_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select('u.email')
      .where('t.id', '=', parsed.id)
      .executeTakeFirst();
    if (!owner) throw invalid;
    const passwordHash = await hashPassword(acceptablePasswordOrFail(password, owner.email));
    const ok = await this.dataSource.transaction(async (manager) => {
      const row = await db(manager)
        .selectFrom('password_setup_tokens')
        .select(['id', 'user_id', 'token_hash', 'expires_at', 'used_at'])
        .where('id', '=', parsed.id)
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.used_at || row.expires_at.getTime() <= Date.now() || !sameTokenHash(row.token_hash, parsed.hash))
        return false;
      await db(manager).updateTable('password_setup_tokens').set({ used_at: new Date() }).where('id', '=', row.id).execute();
      await db(manager)
        .updateTable('users')
        .set({ password_hash: passwordHash, failed_login_count: 0, locked_until: null, updated_at: sql<Date>`now()` })
        .where('id', '=', row.user_id)
        .execute();
      await this.audit.record(manager, { actor: null, action: 'user.password_set', entityType: 'user', entityId: row.user_id });
      return true;
    });
    if (!ok) throw invalid;
  }

  /** Creates a one-time set-password token for a user; returns the token to mail. */
  async createPasswordSetupToken(manager: EntityManager, userId: string): Promise<string> {
    const id = randomUUID();
    const { token, hash } = newOpaqueToken(id);
    const hours = this.config.get('PASSWORD_SETUP_TTL_HOURS');
    await db(manager)
      .insertInto('password_setup_tokens')
      .values({ id, user_id: userId, token_hash: hash, expires_at: new Date(Date.now() + hours * 3600_000) })
      .execute();
    return token;
  }

  /** Resolves an access token's subject to a live user; disabled accounts lose access at once. */
  async userForAccessToken(payload: AccessTokenPayload): Promise<AuthUser | null> {
    const [user] = await userForToken(this.dataSource, { id: payload.sub });
    if (!user || user.status !== 'active') return null;
    return { id: user.id, email: user.email, role: user.role as AuthUser['role'], organizationId: user.organization_id };
  }

  private async issueTokens(manager: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const expiresIn = this.config.get('JWT_ACCESS_TTL_SECONDS');
    const payload: AccessTokenPayload = { sub: user.id, role: user.role, org: user.organizationId };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn });
    const id = randomUUID();
    const { token, hash } = newOpaqueToken(id);
    const days = this.config.get('REFRESH_TOKEN_TTL_DAYS');
    await db(manager)
      .insertInto('refresh_tokens')
      .values({
        id,
        family_id: familyId,
        user_id: user.id,
        token_hash: hash,
        expires_at: new Date(Date.now() + days * 86_400_000),
      })
      .execute();
    return {
      accessToken,
      refreshToken: token,
      expiresIn,
      user: { id: user.id, email: user.email, fullName: user.fullName, role: user.role, organizationId: user.organizationId },
    };
  }
}
