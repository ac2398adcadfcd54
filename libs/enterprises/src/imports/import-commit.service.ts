import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@app/audit';
import { db } from '@app/database';
import { createEnterpriseOrganizations, renameOrganizations } from '@app/identity';
import { footprintDeltas } from '../activity-deltas';
import { applyDatedActivityDeltas } from '../activity-store';
import type { EnterpriseStatus } from '../enterprise.constants';
import { countingStart, ImportOutcome, ImportRecord } from './import-rows';
import {
  asImportRow,
  asRecord,
  ExistingFirm,
  findExistingFirms,
  IMPORT_AUDIT_ENTITY,
  IMPORT_BATCH,
  IMPORT_COLUMNS,
  IMPORT_REASON,
  importOwns,
  ImportRow,
  outcomeSummary,
  selectImports,
  statusOf,
} from './import-records';

/**
 * The commit of an enterprise import (run by the worker): the ready and update rows written in
 * batches, each batch in its own transaction, so a retry resumes where the last one stopped.
 */
@Injectable()
export class ImportCommit {
  private readonly logger = new Logger(ImportCommit.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async commit(id: string): Promise<void> {
    const found = await selectImports(this.dataSource).where('id', '=', id).executeTakeFirst();
    if (!found || found.status !== 'committing') return;
    const current = asImportRow(found);
    const actor = { id: current.committed_by!, role: 'admin' as const };
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const rows = await db(manager)
          .selectFrom('enterprise_import_rows')
          .select(['row_number', 'outcome', 'record'])
          .where('import_id', '=', id)
          .where('outcome', 'in', ['ready', 'update'])
          .orderBy('row_number')
          .limit(IMPORT_BATCH)
          .forUpdate()
          .execute();
        if (rows.length === 0) return true;
        await this.applyBatch(
          manager,
          current,
          actor.id,
          rows.map((r) => ({
            row_number: r.row_number,
            outcome: r.outcome as ImportOutcome,
            record: r.record as unknown as ImportRecord,
          })),
        );
        await db(manager)
          .updateTable('enterprise_imports')
          .set((eb) => ({ processed_rows: eb('processed_rows', '+', rows.length), updated_at: sql<Date>`now()` }))
          .where('id', '=', id)
          .execute();
        return false;
      });
      if (done) break;
    }
    await this.dataSource.transaction(async (manager) => {
      const updated = await db(manager)
        .updateTable('enterprise_imports')
        .set({ status: 'committed', committed_at: sql<Date>`now()`, updated_at: sql<Date>`now()`, summary: outcomeSummary(id) })
        .where('id', '=', id)
        .where('status', '=', 'committing')
        .returning(IMPORT_COLUMNS)
        .executeTakeFirst();
      if (!updated) return;
      const row = asImportRow(updated);
      await this.audit.record(manager, {
        actor,
        action: 'enterprise_import.committed',
        entityType: IMPORT_AUDIT_ENTITY,
        entityId: id,
        after: { fileName: row.file_name, sha256: row.file_sha256, source: row.source, summary: row.summary },
      });
    });
    this.logger.log(`Import ${id} committed`);
  }

  /**
   * Writes one batch in the caller's transaction. The registry is read again under lock: a firm
   * that registered since the dry run is left alone. New firms: organisation, enterprise (verified,
   * from its activity start), history rows and deltas. Updated firms: their old contribution to the
   * indicator is withdrawn and the new one added, recorded now, so published figures show a revision.
   */
  private async applyBatch(
    manager: EntityManager,
    imp: ImportRow,
    actorId: string,
    rows: { row_number: number; outcome: ImportOutcome; record: ImportRecord }[],
  ): Promise<void> {
    const existing = new Map(
      (
        await findExistingFirms(
          manager,
          rows.map((r) => r.record.taxCode),
          true,
        )
      ).map((e) => [e.tax_code, e]),
    );
    const reason = `${IMPORT_REASON} ${imp.source} (file ${imp.file_name}, SHA-256 ${imp.file_sha256.slice(0, 16)}…)`;
    const created: { row: number; id: string; r: ImportRecord }[] = [];
    const updated: { row: number; id: string; r: ImportRecord; before: ExistingFirm }[] = [];
    const skipped: number[] = [];
    for (const { row_number: row, record: r } of rows) {
      const found = existing.get(r.taxCode);
      if (!found) created.push({ row, id: randomUUID(), r });
      else if (importOwns(found)) updated.push({ row, id: found.id, r, before: found });
      else skipped.push(row);
    }
    const deltas: Parameters<typeof applyDatedActivityDeltas>[1][number][] = [];
    const contribute = (r: { areaCode: string; sectors: readonly string[] }, start: string, end: string | null, sign: 1 | -1) => {
      for (const d of footprintDeltas(r, sign)) deltas.push({ ...d, day: start });
      if (end) for (const d of footprintDeltas(r, sign === 1 ? -1 : 1)) deltas.push({ ...d, day: end });
    };
    const history: { id: string; from: EnterpriseStatus | null; to: EnterpriseStatus; on: string; reason: string }[] = [];

    if (created.length > 0) {
      await createEnterpriseOrganizations(
        manager,
        created.map((c) => ({ id: c.id, name: c.r.legalName })),
      );
      await this.writeFirms(manager, imp, created, true);
      for (const { id, r } of created) {
        const start = countingStart(r);
        history.push({ id, from: null, to: 'verified', on: start, reason });
        if (r.status !== 'active') history.push({ id, from: 'verified', to: statusOf(r), on: r.statusDate!, reason });
        contribute(r, start, r.statusDate, 1);
      }
    }
    if (updated.length > 0) {
      await this.writeFirms(manager, imp, updated, false);
      for (const { id, r, before } of updated) {
        const was = asRecord(before, imp.source);
        const counting = (x: ImportRecord) =>
          JSON.stringify([x.areaCode, [...x.sectors].sort(), countingStart(x), x.status, x.statusDate]);
        if (counting(was) === counting(r)) continue;
        contribute({ areaCode: was.areaCode, sectors: was.sectors }, countingStart(was), was.statusDate, -1);
        contribute(r, countingStart(r), r.statusDate, 1);
        history.push({
          id,
          from: before.status,
          to: statusOf(r),
          on: r.statusDate ?? countingStart(r),
          reason: `${reason}: corrected (${counting(was)} → ${counting(r)})`,
        });
      }
    }
    if (history.length > 0) {
      await db(manager)
        .insertInto('enterprise_status_history')
        .values(
          history.map((h) => ({
            enterprise_id: h.id,
            from_status: h.from,
            to_status: h.to,
            effective_date: h.on,
            reason: h.reason,
            actor_id: actorId,
          })),
        )
        .execute();
    }
    await applyDatedActivityDeltas(manager, deltas);
    const mark = async (outcome: ImportOutcome, list: { row: number; id: string }[]) => {
      if (list.length === 0) return;
      const x = sql<{
        row_number: number;
        id: string;
      }>`unnest(${list.map((l) => l.row)}::int[], ${list.map((l) => l.id)}::uuid[])`.as<'x'>(sql`x(row_number, id)`);
      await db(manager)
        .updateTable('enterprise_import_rows as r')
        .from(x)
        .set((eb) => ({ outcome, enterprise_id: eb.ref('x.id') }))
        .where('r.import_id', '=', imp.id)
        .whereRef('r.row_number', '=', 'x.row_number')
        .execute();
    };
    await mark('created', created);
    await mark('updated', updated);
    if (skipped.length > 0) {
      await db(manager)
        .updateTable('enterprise_import_rows')
        .set({ outcome: 'registered' })
        .where('import_id', '=', imp.id)
        .where('row_number', '=', sql<number>`ANY(${skipped}::int[])`)
        .execute();
    }
  }

  private async writeFirms(
    manager: EntityManager,
    imp: ImportRow,
    firms: { id: string; r: ImportRecord }[],
    insert: boolean,
  ): Promise<void> {
    if (insert) {
      await db(manager)
        .insertInto('enterprises')
        .values(
          firms.map(({ id, r }) => ({
            id,
            tax_code: r.taxCode,
            legal_name: r.legalName,
            address: r.address,
            area_code: r.areaCode,
            sectors: [...r.sectors],
            founded_on: r.foundedOn,
            activity_started_on: r.activityStartedOn,
            activity_start_evidence: r.activityStartEvidence,
            status: statusOf(r),
            status_effective_date: r.statusDate ?? countingStart(r),
            origin: 'imported',
            import_id: imp.id,
            import_source: r.source,
          })),
        )
        .execute();
      return;
    }
    const col = <T>(f: (r: ImportRecord) => T) => firms.map((x) => f(x.r));
    const x = sql<{
      id: string;
      legal_name: string;
      address: string;
      area_code: string;
      sectors: string;
      founded_on: string | null;
      started: string | null;
      evidence: string | null;
      status: string;
      status_date: string;
      source: string;
    }>`unnest(${firms.map((f) => f.id)}::uuid[], ${col((r) => r.legalName)}::text[], ${col((r) => r.address)}::text[],
              ${col((r) => r.areaCode)}::text[], ${col((r) => r.sectors.join(','))}::text[], ${col((r) => r.foundedOn)}::date[],
              ${col((r) => r.activityStartedOn)}::date[], ${col((r) => r.activityStartEvidence)}::text[], ${col((r) => statusOf(r))}::text[],
              ${col((r) => r.statusDate ?? countingStart(r))}::date[], ${col((r) => r.source)}::text[])`.as<'x'>(
      sql`x(id, legal_name, address, area_code, sectors, founded_on, started, evidence, status, status_date, source)`,
    );
    await db(manager)
      .updateTable('enterprises as e')
      .from(x)
      .set((eb) => ({
        legal_name: eb.ref('x.legal_name'),
        address: eb.ref('x.address'),
        area_code: eb.ref('x.area_code'),
        sectors: sql<string[]>`string_to_array(x.sectors, ',')`,
        founded_on: eb.ref('x.founded_on'),
        activity_started_on: eb.ref('x.started'),
        activity_start_evidence: eb.ref('x.evidence'),
        status: eb.ref('x.status'),
        status_effective_date: eb.ref('x.status_date'),
        import_id: imp.id,
        import_source: eb.ref('x.source'),
        updated_at: sql<Date>`now()`,
      }))
      .whereRef('e.id', '=', 'x.id')
      .execute();
    await renameOrganizations(
      manager,
      firms.map((f) => ({ id: f.id, name: f.r.legalName })),
    );
  }
}
