import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError, AuthUser, decodeCursor, DEFAULT_PAGE_SIZE, ErrorCode, nfc, Page, PageQueryDto, toPage } from '@app/common';
import { AuditService } from '@app/audit';
import { Organization } from './entities/organization.entity';
import { CreateDepartmentDto, UpdateDepartmentDto } from './dto/user.dto';
import { isUniqueViolation } from './users.service';

export class DepartmentView {
  id: string;
  name: string;
  code: string | null;
}

const toView = (o: Organization): DepartmentView => ({ id: o.id, name: o.name, code: o.code });

@Injectable()
export class DepartmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: AuthUser, dto: CreateDepartmentDto): Promise<DepartmentView> {
    return this.withCodeCheck(() =>
      this.dataSource.transaction(async (manager) => {
        const saved = await manager.getRepository(Organization).save({
          kind: 'department' as const,
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
        const repo = manager.getRepository(Organization);
        const department = await repo.findOne({ where: { id, kind: 'department' }, lock: { mode: 'pessimistic_write' } });
        if (!department) throw new AppError(ErrorCode.DEPARTMENT_NOT_FOUND);
        const before = toView(department);
        if (dto.name !== undefined) department.name = nfc(dto.name);
        if (dto.code !== undefined) department.code = nfc(dto.code).toUpperCase();
        const after = toView(await repo.save(department));
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
    const qb = this.dataSource
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where(`o.kind = 'department'`)
      .orderBy('o.name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit + 1);
    if (after) qb.andWhere('(o.name, o.id) > (:name, :id)', after);
    const rows = await qb.getMany();
    return toPage(rows, limit, (o) => ({ name: o.name, id: o.id }), toView);
  }

  async get(id: string): Promise<DepartmentView> {
    const department = await this.dataSource.getRepository(Organization).findOneBy({ id, kind: 'department' });
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
