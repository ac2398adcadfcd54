import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig, AppError, AuthUser, cityIso, ErrorCode } from '@app/common';
import { AuditService } from '@app/audit';
import { User } from './entities/user.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { PasswordSetupToken } from './entities/password-setup-token.entity';
import { hashPassword, verifyPassword } from './password-hasher';
import { acceptablePasswordOrFail } from './password-policy';
import { newOpaqueToken, parseOpaqueToken, sameTokenHash } from './tokens';
import type { TokenPair } from './dto/auth.dto';

export interface AccessTokenPayload {
  sub: string;
  role: string;
  org: string | null;
}

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
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
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
    await this.dataSource
      .getRepository(User)
      .update(user.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: new Date() });
    return user;
  }

  private async recordFailure(user: User): Promise<void> {
    const max = this.config.get('LOGIN_MAX_FAILURES');
    const base = this.config.get('LOGIN_LOCK_BASE_SECONDS');
    const cap = this.config.get('LOGIN_LOCK_MAX_SECONDS');
    await this.dataSource.transaction(async (manager) => {
      // One atomic statement, so concurrent failures are all counted.
      const rows = await manager.query<{ failed_login_count: number; locked_until: Date | null }[]>(
        // (wrapped in a CTE so the driver hands back the rows, as for a SELECT)
        `WITH changed AS (
           UPDATE users SET failed_login_count = failed_login_count + 1,
             locked_until = CASE WHEN failed_login_count + 1 >= $2
               THEN now() + make_interval(secs => least($3::float8 * power(2, failed_login_count + 1 - $2), $4::float8))
               ELSE locked_until END
           WHERE id = $1 RETURNING failed_login_count, locked_until)
         SELECT * FROM changed`,
        [user.id, max, base, cap],
      );
      const row = rows[0];
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
    const rows = await this.dataSource.query<{ locked_until: Date | null }[]>(
      `SELECT locked_until FROM login_failures WHERE email_key = lower($1)`,
      [email.trim()],
    );
    return rows[0]?.locked_until ?? null;
  }

  /** The same counting and doubling lock as recordFailure(), for an e-mail that has no account. */
  private async recordUnknownEmailFailure(email: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_failures AS f (email_key, failed_count, locked_until, updated_at)
         VALUES (lower($1), 1, CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3::float8) END, now())
       ON CONFLICT (email_key) DO UPDATE SET failed_count = f.failed_count + 1, updated_at = now(),
         locked_until = CASE WHEN f.failed_count + 1 >= $2
           THEN now() + make_interval(secs => least($3::float8 * power(2, f.failed_count + 1 - $2), $4::float8))
           ELSE f.locked_until END`,
      [
        email.trim(),
        this.config.get('LOGIN_MAX_FAILURES'),
        this.config.get('LOGIN_LOCK_BASE_SECONDS'),
        this.config.get('LOGIN_LOCK_MAX_SECONDS'),
      ],
    );
  }

  /**
   * Retention: refresh and set-password tokens expired (or, for set-password, used) more than `days` ago, and
   * failed-login records of unknown e-mails not touched for as long. Returns rows deleted.
   */
  async pruneExpired(days: number): Promise<number> {
    let total = 0;
    for (const sql of [
      // Used and revoked tokens are kept until they expire: presenting one is how reuse is detected.
      `DELETE FROM refresh_tokens WHERE expires_at < now() - make_interval(days => $1) RETURNING 1`,
      `DELETE FROM password_setup_tokens WHERE expires_at < now() - make_interval(days => $1)
          OR (used_at IS NOT NULL AND used_at < now() - make_interval(days => $1)) RETURNING 1`,
      `DELETE FROM login_failures WHERE updated_at < now() - make_interval(days => $1)
          AND (locked_until IS NULL OR locked_until < now()) RETURNING 1`,
    ]) {
      // (in a CTE: for a bare DELETE the driver returns [rows, count] instead of the rows)
      const [row] = await this.dataSource.query<{ n: number }[]>(`WITH gone AS (${sql}) SELECT count(*)::int AS n FROM gone`, [
        days,
      ]);
      total += row.n;
    }
    return total;
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
      const row = await manager
        .getRepository(RefreshToken)
        .findOne({ where: { id: parsed.id }, lock: { mode: 'pessimistic_write' } });
      if (!row || !sameTokenHash(row.tokenHash, parsed.hash)) return { error: ErrorCode.REFRESH_TOKEN_INVALID };
      if (row.usedAt || row.revokedAt) {
        await manager.update(RefreshToken, { familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
        await this.audit.record(manager, {
          actor: null,
          action: 'auth.refresh_token_reused',
          entityType: 'user',
          entityId: row.userId,
          after: { familyId: row.familyId },
        });
        return { error: ErrorCode.REFRESH_TOKEN_REUSED };
      }
      if (row.expiresAt.getTime() <= Date.now()) return { error: ErrorCode.REFRESH_TOKEN_INVALID };
      const user = await manager.getRepository(User).findOneBy({ id: row.userId });
      if (!user || user.status !== 'active') return { error: ErrorCode.ACCOUNT_DISABLED };
      await manager.update(RefreshToken, { id: row.id }, { usedAt: new Date() });
      return { pair: await this.issueTokens(manager, user, row.familyId) };
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
    const row = await this.dataSource.getRepository(RefreshToken).findOneBy({ id: parsed.id });
    if (!row || !sameTokenHash(row.tokenHash, parsed.hash)) return;
    await this.dataSource
      .getRepository(RefreshToken)
      .update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Sets the first password from the one-time token mailed with a new account. */
  async setPasswordWithToken(token: string, password: string): Promise<void> {
    const parsed = parseOpaqueToken(token);
    const invalid = new AppError(ErrorCode.PASSWORD_SETUP_TOKEN_INVALID);
    if (!parsed) throw invalid;
    // The policy needs the account's e-mail; a wrong token is refused before any hashing work.
    const owner = await this.dataSource
      .getRepository(PasswordSetupToken)
      .createQueryBuilder('t')
      .innerJoin(User, 'u', 'u.id = t.userId')
      .select('u.email', 'email')
      .where('t.id = :id', { id: parsed.id })
      .getRawOne<{ email: string }>();
    if (!owner) throw invalid;
    const passwordHash = await hashPassword(acceptablePasswordOrFail(password, owner.email));
    const ok = await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .getRepository(PasswordSetupToken)
        .findOne({ where: { id: parsed.id }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.usedAt || row.expiresAt.getTime() <= Date.now() || !sameTokenHash(row.tokenHash, parsed.hash)) return false;
      await manager.update(PasswordSetupToken, { id: row.id }, { usedAt: new Date() });
      await manager.update(User, { id: row.userId }, { passwordHash, failedLoginCount: 0, lockedUntil: null });
      await this.audit.record(manager, { actor: null, action: 'user.password_set', entityType: 'user', entityId: row.userId });
      return true;
    });
    if (!ok) throw invalid;
  }

  /** Creates a one-time set-password token for a user; returns the token to mail. */
  async createPasswordSetupToken(manager: EntityManager, userId: string): Promise<string> {
    const id = randomUUID();
    const { token, hash } = newOpaqueToken(id);
    const hours = this.config.get('PASSWORD_SETUP_TTL_HOURS');
    await manager.insert(PasswordSetupToken, { id, userId, tokenHash: hash, expiresAt: new Date(Date.now() + hours * 3600_000) });
    return token;
  }

  /** Resolves an access token's subject to a live user; disabled accounts lose access at once. */
  async userForAccessToken(payload: AccessTokenPayload): Promise<AuthUser | null> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: payload.sub });
    if (!user || user.status !== 'active') return null;
    return { id: user.id, email: user.email, role: user.role, organizationId: user.organizationId };
  }

  private async issueTokens(manager: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const expiresIn = this.config.get('JWT_ACCESS_TTL_SECONDS');
    const payload: AccessTokenPayload = { sub: user.id, role: user.role, org: user.organizationId };
    const accessToken = await this.jwt.signAsync(payload, { expiresIn });
    const id = randomUUID();
    const { token, hash } = newOpaqueToken(id);
    const days = this.config.get('REFRESH_TOKEN_TTL_DAYS');
    await manager.insert(RefreshToken, {
      id,
      familyId,
      userId: user.id,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + days * 86_400_000),
    });
    return {
      accessToken,
      refreshToken: token,
      expiresIn,
      user: { id: user.id, email: user.email, fullName: user.fullName, role: user.role, organizationId: user.organizationId },
    };
  }
}
