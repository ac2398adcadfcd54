import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, nfc, Page, PageQueryDto, toPage } from '@app/common';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { createOrganization } from './organizations';
import { CreateDepartmentDto, UpdateDepartmentDto } from './dto/user.dto';
import { isUniqueViolation } from './users.service';

export class DepartmentView {
  id: string;
  name: string;
  code: string | null;
}

const toView = (o: { id: string; name: string; code: string | null }): DepartmentView => ({
  id: o.id,
  name: o.name,
  code: o.code,
});

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AuthUser, dto: CreateDepartmentDto): Promise<DepartmentView> {
    return this.withCodeCheck(() =>
      this.dataSource.transaction(async (manager) => {
        const saved = await createOrganization(manager, {
          kind: 'department',
          name: nfc(dto.name),
          code: dto.code ? nfc(dto.code).toUpperCase() : null,
        });
        await this.audit.record(manager, {
          actor,
          action: 'department.created',
          entityType: 'department',
          entityId: saved.id,
          after: toView(saved),
        });
        return toView(saved);
      }),
    );
  }

  async update(actor: AuthUser, id: string, dto: UpdateDepartmentDto): Promise<DepartmentView> {
    return this.withCodeCheck(() =>
      this.dataSource.transaction(async (manager) => {
        const department = await db(manager)
          .selectFrom('organizations')
          .select(['id', 'name', 'code'])
          .where('id', '=', id)
          .where('kind', '=', 'department')
          .forUpdate()
          .executeTakeFirst();
        if (!department) throw new AppError(ErrorCode.DEPARTMENT_NOT_FOUND);
        const before = toView(department);
        const after = toView(
          await db(manager)
            .updateTable('organizations')
            .set({
              ...(dto.name !== undefined ? { name: nfc(dto.name) } : {}),
              ...(dto.code !== undefined ? { code: nfc(dto.code).toUpperCase() } : {}),
              updated_at: sql<Date>`now()`,
            })
            .where('id', '=', id)
            .returning(['id', 'name', 'code'])
            .executeTakeFirstOrThrow(),
        );
        await this.audit.record(manager, {
          actor,
          action: 'department.updated',
          entityType: 'department',
          entityId: id,
          before,
          after,
        });
        return after;
      }),
    );
  }

  /** By name, in the one list shape `{ items, nextCursor }`. */
  async list(query: PageQueryDto): Promise<Page<DepartmentView>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor<{ name: string; id: string }>(query.cursor, ['name', 'id']);
    let qb = db(this.dataSource)
      .selectFrom('organizations as o')
      .select(['o.id', 'o.name', 'o.code'])
      .where('o.kind', '=', 'department')
      .orderBy('o.name', 'asc')
      .orderBy('o.id', 'asc')
      .limit(limit + 1);
    if (after) qb = qb.where(sql<boolean>`(o.name, o.id) > (${after.name}, ${after.id}::uuid)`);
    const rows = await qb.execute();
    return toPage(rows, limit, (o) => ({ name: o.name, id: o.id }), toView);
  }

  async get(id: string): Promise<DepartmentView> {
    const department = await db(this.dataSource)
      .selectFrom('organizations')
      .select(['id', 'name', 'code'])
      .where('id', '=', id)
      .where('kind', '=', 'department')
      .executeTakeFirst();
    if (!department) throw new AppError(ErrorCode.DEPARTMENT_NOT_FOUND);
    return toView(department);
  }

  private async withCodeCheck<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUniqueViolation(err, 'organizations_department_code_uq')) {
        throw new AppError(ErrorCode.DEPARTMENT_CODE_TAKEN);
      }
      throw err;
    }
  }
}
