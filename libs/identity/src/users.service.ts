import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, QueryFailedError } from 'typeorm';
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
import { MAIL_JOBS, OutboxService } from '@app/jobs';
import { Organization } from './entities/organization.entity';
import { RefreshToken } from './entities/refresh-token.entity';
import { toUserSnapshot, toUserView, User, UserView } from './entities/user.entity';
import { CreateUserDto, ListUsersQueryDto, UpdateMeDto, UpdateUserDto } from './dto/user.dto';
import { hashPassword } from './password-hasher';
import { acceptablePasswordOrFail } from './password-policy';
import { randomBytes } from 'node:crypto';

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
    fields: Pick<User, 'email' | 'fullName' | 'role' | 'organizationId' | 'passwordHash'> &
      Partial<Pick<User, 'orgRole' | 'language'>>,
  ): Promise<User> {
    const repo = manager.getRepository(User);
    const user = repo.create({
      ...fields,
      orgRole: fields.orgRole ?? null,
      language: fields.language ?? DEFAULT_LANGUAGE,
      email: fields.email.trim().toLowerCase(),
      fullName: nfc(fields.fullName),
      status: 'active',
      failedLoginCount: 0,
      lockedUntil: null,
      lastLoginAt: null,
    });
    return repo.save(user);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ createdAt: string; id: string }>(query.cursor, ['createdAt', 'id']);
    const qb = this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'DESC')
      .addOrderBy('u.id', 'DESC')
      .limit(limit + 1);
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.status) qb.andWhere('u.status = :status', { status: query.status });
    if (query.organizationId) qb.andWhere('u.organizationId = :org', { org: query.organizationId });
    if (query.q) {
      qb.andWhere('(u.email ILIKE :q OR unaccent(u.fullName) ILIKE unaccent(:q))', { q: `%${escapeLike(nfc(query.q))}%` });
    }
    if (after) qb.andWhere('(u.createdAt, u.id) < (:createdAt, :id)', after);
    const rows = await qb.getMany();
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
      user.organizationId = await this.checkDepartmentFor(role, departmentId, manager);
      user.role = role;
      if (dto.fullName !== undefined) user.fullName = nfc(dto.fullName);
      const saved = await manager.getRepository(User).save(user);
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
      if (dto.language !== undefined) user.language = dto.language;
      const saved = await manager.getRepository(User).save(user);
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
      user.status = status;
      const saved = await manager.getRepository(User).save(user);
      if (status === 'disabled') {
        await manager.update(RefreshToken, { userId: id, revokedAt: IsNull() }, { revokedAt: new Date() });
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
    return this.dataSource.getRepository(User).existsBy({ role: 'admin' });
  }

  async ensureFirstAdmin(
    email: string,
    password?: string,
  ): Promise<{ created: boolean; email: string; generatedPassword?: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(1062025)');
      const existing = await manager.getRepository(User).findOneBy({ role: 'admin' });
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
    const user = await manager
      .getRepository(User)
      .findOne({ where: { id }, lock: lock ? { mode: 'pessimistic_write' } : undefined });
    if (!user) throw new AppError(ErrorCode.USER_NOT_FOUND);
    return user;
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
    const department = await manager.getRepository(Organization).findOneBy({ id: departmentId, kind: 'department' });
    if (!department) throw new AppError(ErrorCode.DEPARTMENT_NOT_FOUND);
    return department.id;
  }
}

export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
