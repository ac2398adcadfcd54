import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import {
  AppConfig,
  AppError,
  AuthUser,
  decodeCursor,
  DEFAULT_LANGUAGE,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  nfc,
  Page,
  toPage,
} from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { MAIL_JOBS, OutboxService } from '@app/jobs';
import { selectUsers, toUser, User } from './user';
import { toUserSnapshot, toUserView, UserView } from './user.view';
import { CreateUserDto, ListUsersQueryDto, UpdateMeDto, UpdateUserDto } from './dto/user.dto';
import { hashPassword } from './password-hasher';
import { acceptablePasswordOrFail } from './password-policy';
import { randomBytes } from 'node:crypto';

/** The columns toUser() maps, as returned by an insert or update of users. */
const USER_RETURNING = [
  'id',
  'email',
  'full_name',
  'role',
  'organization_id',
  'org_role',
  'status',
  'failed_login_count',
  'locked_until',
  'language',
  'last_login_at',
  'created_at',
  'updated_at',
] as const;

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const driverError = err instanceof QueryFailedError ? (err.driverError as { code?: string; constraint?: string }) : null;
  return driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  async create(actor: AuthUser, dto: CreateUserDto): Promise<UserView> {
    const organizationId = await this.checkDepartmentFor(dto.role, dto.departmentId ?? null);
    const passwordHash = dto.password ? await hashPassword(acceptablePasswordOrFail(dto.password, dto.email)) : null;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await this.insertUser(manager, {
          email: dto.email,
          fullName: dto.fullName,
          role: dto.role,
          organizationId,
          passwordHash,
        });
        await this.audit.record(manager, {
          actor,
          action: 'user.created',
          entityType: 'user',
          entityId: user.id,
          after: toUserSnapshot(user),
        });
        await this.outbox.enqueueMail(manager, MAIL_JOBS.accountCreated, { userId: user.id, needsPasswordSetup: !passwordHash });
        return toUserView(user);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_uq')) {
        throw new AppError(ErrorCode.EMAIL_TAKEN);
      }
      throw err;
    }
  }

  /** Inserts a user row; shared by staff creation, enterprise registration and the first-admin seed. */
  async insertUser(
    manager: EntityManager,
    fields: Pick<User, 'email' | 'fullName' | 'role' | 'organizationId'> & { passwordHash: string | null } & Partial<
        Pick<User, 'orgRole' | 'language'>
      >,
  ): Promise<User> {
    const row = await db(manager)
      .insertInto('users')
      .values({
        email: fields.email.trim().toLowerCase(),
        full_name: nfc(fields.fullName),
        password_hash: fields.passwordHash,
        role: fields.role,
        organization_id: fields.organizationId,
        org_role: fields.orgRole ?? null,
        language: fields.language ?? DEFAULT_LANGUAGE,
        status: 'active',
        failed_login_count: 0,
        locked_until: null,
        last_login_at: null,
      })
      .returning(USER_RETURNING)
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    let qb = selectUsers(this.dataSource)
      .orderBy('u.created_at', 'desc')
      .orderBy('u.id', 'desc')
      .limit(limit + 1);
    if (query.role) qb = qb.where('u.role', '=', query.role);
    if (query.status) qb = qb.where('u.status', '=', query.status);
    if (query.organizationId) qb = qb.where('u.organization_id', '=', query.organizationId);
    if (query.q) {
      const q = `%${escapeLike(nfc(query.q))}%`;
      qb = qb.where((eb) => eb.or([eb('u.email', 'ilike', q), sql<boolean>`unaccent(u.full_name) ILIKE unaccent(${q})`]));
    }
    if (after) qb = qb.where(sql<boolean>`(u.created_at, u.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`);
    const rows = (await qb.execute()).map(toUser);
    return toPage(rows, limit, (u) => ({ createdAt: u.createdAt.toISOString(), id: u.id }), toUserView);
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.findOrFail(this.dataSource.manager, id));
  }

  async update(actor: AuthUser, id: string, dto: UpdateUserDto): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.findOrFail(manager, id, true);
      if (user.role === 'enterprise') {
        throw new AppError(ErrorCode.ROLE_NOT_ASSIGNABLE);
      }
      const before = toUserSnapshot(user);
      const role = dto.role ?? user.role;
      const departmentId = dto.departmentId !== undefined ? dto.departmentId : user.organizationId;
      const organizationId = await this.checkDepartmentFor(role, departmentId, manager);
      const saved = await this.saveUser(manager, id, {
        organization_id: organizationId,
        role,
        ...(dto.fullName !== undefined ? { full_name: nfc(dto.fullName) } : {}),
      });
      const after = toUserSnapshot(saved);
      const action = before.role !== after.role ? 'user.role_changed' : 'user.updated';
      await this.audit.record(manager, { actor, action, entityType: 'user', entityId: id, before, after });
      return toUserView(saved);
    });
  }

  /** A user's own settings (their language). */
  async updateMe(actor: AuthUser, dto: UpdateMeDto): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.findOrFail(manager, actor.id, true);
      const before = toUserSnapshot(user);
      const saved = dto.language !== undefined ? await this.saveUser(manager, user.id, { language: dto.language }) : user;
      await this.audit.record(manager, {
        actor,
        action: 'user.updated',
        entityType: 'user',
        entityId: user.id,
        before,
        after: toUserSnapshot(saved),
      });
      return toUserView(saved);
    });
  }

  /** Disables an account: it can no longer log in, and its sessions end at once. */
  async setStatus(actor: AuthUser, id: string, status: 'active' | 'disabled'): Promise<UserView> {
    if (status === 'disabled' && actor.id === id) {
      throw new AppError(ErrorCode.CANNOT_DISABLE_SELF);
    }
    return this.dataSource.transaction(async (manager) => {
      const user = await this.findOrFail(manager, id, true);
      if (user.status === status) return toUserView(user);
      const before = toUserSnapshot(user);
      const saved = await this.saveUser(manager, id, { status });
      if (status === 'disabled') {
        await db(manager)
          .updateTable('refresh_tokens')
          .set({ revoked_at: new Date() })
          .where('user_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
      }
      await this.audit.record(manager, {
        actor,
        action: status === 'disabled' ? 'user.disabled' : 'user.enabled',
        entityType: 'user',
        entityId: id,
        before,
        after: toUserSnapshot(saved),
      });
      return toUserView(saved);
    });
  }

  /**
   * Creates the first admin when there is none. Returns the generated password (to print once)
   * when none was configured.
   */
  async hasAdmin(): Promise<boolean> {
    const row = await db(this.dataSource)
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async ensureFirstAdmin(
    email: string,
    password?: string,
  ): Promise<{ created: boolean; email: string; generatedPassword?: string }> {
    return this.dataSource.transaction(async (manager) => {
      await sql`SELECT pg_advisory_xact_lock(1062025)`.execute(db(manager));
      const existing = await selectUsers(manager).where('u.role', '=', 'admin').limit(1).executeTakeFirst();
      if (existing) return { created: false, email: existing.email };
      const generatedPassword = password ? undefined : randomBytes(12).toString('base64url');
      const user = await this.insertUser(manager, {
        email,
        fullName: 'Platform administrator',
        role: 'admin',
        organizationId: null,
        passwordHash: await hashPassword(
          password ? acceptablePasswordOrFail(password, email, 'ADMIN_PASSWORD') : generatedPassword!,
        ),
      });
      await this.audit.record(manager, {
        actor: null,
        action: 'user.created',
        entityType: 'user',
        entityId: user.id,
        after: toUserSnapshot(user),
      });
      return { created: true, email: user.email, generatedPassword };
    });
  }

  private async findOrFail(manager: EntityManager, id: string, lock = false): Promise<User> {
    const query = selectUsers(manager).where('u.id', '=', id);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirst();
    if (!row) throw new AppError(ErrorCode.USER_NOT_FOUND);
    return toUser(row);
  }

  /** Writes changed columns of a user (updated_at with them) and returns the row as saved. */
  private async saveUser(
    manager: EntityManager,
    id: string,
    changes: { full_name?: string; role?: string; organization_id?: string | null; language?: string; status?: string },
  ): Promise<User> {
    const row = await db(manager)
      .updateTable('users')
      .set({ ...changes, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning(USER_RETURNING)
      .executeTakeFirstOrThrow();
    return toUser(row);
  }

  /** Officers need a department; other staff may have one. Returns the organization id to store. */
  private async checkDepartmentFor(
    role: string,
    departmentId: string | null,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string | null> {
    if (!departmentId) {
      if (role === 'officer') throw new AppError(ErrorCode.DEPARTMENT_REQUIRED);
      return null;
    }
    const department = await db(manager)
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', departmentId)
      .where('kind', '=', 'department')
      .executeTakeFirst();
    if (!department) throw new AppError(ErrorCode.DEPARTMENT_NOT_FOUND);
    return department.id;
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
