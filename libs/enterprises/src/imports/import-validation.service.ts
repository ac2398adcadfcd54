import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { sql } from 'kysely';
import { DataSource } from 'typeorm';
import { cityToday, Msg, TableShapeError } from '@app/common';
import { db } from '@app/database';
import { COMMUNE_LEVEL_UNIT_TYPES, HAIPHONG_FORMER_UNITS, UnitResolver } from '@app/areas';
import { countImportRows, readImportRows } from './import-file';
import { CheckedRow, checkRow, RowContext } from './import-rows';
import {
  asImportRow,
  asRecord,
  findExistingFirms,
  IMPORT_BATCH,
  IMPORT_COLUMNS,
  importOwns,
  outcomeSummary,
  sameRecord,
} from './import-records';

/**
 * The dry run of an enterprise import (run by the worker): every row of the file checked and
 * compared with the registry, the report written in batches; nothing else is written.
 */
@Injectable()
export class ImportValidation {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Re-runnable: a retried job starts the report again. */
  async validate(id: string): Promise<void> {
    const q = db(this.dataSource);
    const found = await q
      .selectFrom('enterprise_imports')
      .select([...IMPORT_COLUMNS, 'file_bytes'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!found || found.status !== 'validating') return;
    const current = asImportRow(found);
    const bytes = found.file_bytes;
    try {
      await q.deleteFrom('enterprise_import_rows').where('import_id', '=', id).execute();
      const total = await countImportRows(current.file_format, bytes);
      await q
        .updateTable('enterprise_imports')
        .set({ total_rows: total, processed_rows: 0, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .execute();
      const units = await this.communeUnits();
      const ctx: RowContext = { units, today: cityToday(), fileSource: current.source, seen: new Set() };
      let batch: CheckedRow[] = [];
      let processed = 0;
      for await (const row of readImportRows(current.file_format, bytes)) {
        batch.push(checkRow(row, ctx));
        if (batch.length >= IMPORT_BATCH) {
          processed += await this.writeReportBatch(id, batch, current.source);
          batch = [];
          await this.progress(id, processed);
        }
      }
      if (batch.length > 0) processed += await this.writeReportBatch(id, batch, current.source);
      await q
        .updateTable('enterprise_imports')
        .set({
          status: 'validated',
          processed_rows: processed,
          validated_at: sql<Date>`now()`,
          updated_at: sql<Date>`now()`,
          summary: outcomeSummary(id),
        })
        .where('id', '=', id)
        .execute();
    } catch (err) {
      if (!(err instanceof TableShapeError)) throw err; // retried by the queue
      await q
        .updateTable('enterprise_imports')
        .set({
          status: 'failed',
          // Stored as a message key and values, shown in the reader's language (see storedMessage).
          error: JSON.stringify(
            new Msg(`errors.IMPORT_FILE_INVALID_${err.reason}`, { missing: err.missing.join(', '), ...err.params }),
          ),
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .execute();
    }
  }

  private async communeUnits(): Promise<UnitResolver> {
    const units = await db(this.dataSource)
      .selectFrom('areas')
      .select(['code', 'name'])
      .where('unit_type', '=', sql<string>`ANY(${[...COMMUNE_LEVEL_UNIT_TYPES]}::text[])`)
      .where('valid_to', 'is', null)
      .orderBy('code')
      .execute();
    // Pre-July-2025 names (NQ 1669/NQ-UBTVQH15) resolve where they lead to one current unit only.
    return new UnitResolver(units, HAIPHONG_FORMER_UNITS);
  }

  private async progress(id: string, processed: number): Promise<void> {
    await db(this.dataSource)
      .updateTable('enterprise_imports')
      .set({ processed_rows: processed, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /** Compares the batch's good rows with the registry, then writes the report rows in one statement. */
  private async writeReportBatch(id: string, batch: CheckedRow[], source: string): Promise<number> {
    const codes = batch.filter((r) => r.record).map((r) => r.record!.taxCode);
    const existing = new Map((codes.length ? await findExistingFirms(this.dataSource, codes) : []).map((e) => [e.tax_code, e]));
    for (const r of batch) {
      const found = r.record && existing.get(r.record.taxCode);
      if (!found) continue;
      if (!importOwns(found)) {
        r.outcome = 'registered';
        r.problems.push({
          field: 'taxCode',
          code: 'registered',
          message: new Msg('importProblems.registered'),
        });
      } else r.outcome = sameRecord(asRecord(found, source), r.record!) ? 'unchanged' : 'update';
    }
    await db(this.dataSource)
      .insertInto('enterprise_import_rows')
      .values(
        batch.map((r) => ({
          import_id: id,
          row_number: r.rowNumber,
          outcome: r.outcome,
          tax_code: r.taxCode,
          record: r.record ? JSON.stringify(r.record) : null,
          problems: JSON.stringify(r.problems),
        })),
      )
      .execute();
    return batch.length;
  }
}
