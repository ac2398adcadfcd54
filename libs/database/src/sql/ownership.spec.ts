import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Library, READ_MODELS, TABLE_OWNERS } from './ownership';

/**
 * Reads every library's source and checks that (1) SQL is written one way — the typed builder,
 * `db(manager)` — never as a raw string through TypeORM's query() or a repository; (2) only a
 * table's owner writes it; (3) other libraries read it only when the owner publishes it as a read
 * model. A regex scan, deliberately simple: it sees builder calls and SQL keywords in sql`` parts.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const LIBS = join(ROOT, 'libs');

/** Files still written in the old style, while the typed layer is rolled out. Must end empty. */
const NOT_YET_CONVERTED = new Set<string>([
  'libs/areas/src/area-population.entity.ts',
  'libs/areas/src/area.entity.ts',
  'libs/areas/src/areas.service.ts',
  'libs/areas/src/boundaries.ts',
  'libs/areas/src/commune-level-area.ts',
  'libs/areas/src/reference-data.seed.ts',
  'libs/audit/src/audit-entry.entity.ts',
  'libs/audit/src/audit-tree.service.ts',
  'libs/audit/src/audit.service.ts',
  'libs/audit/src/sealed-digest.ts',
  'libs/calendar/src/calendar.service.ts',
  'libs/calendar/src/city-holiday.entity.ts',
  'libs/common/src/time/city-calendar.ts',
  'libs/complaints/src/complaints.service.ts',
  'libs/complaints/src/entities/complaint.entity.ts',
  'libs/complaints/src/entities/standstill-period.entity.ts',
  'libs/complaints/src/standstill.service.ts',
  'libs/database/src/migrate.ts',
  'libs/enterprises/src/activity-deltas.ts',
  'libs/enterprises/src/assert-verified-enterprise.ts',
  'libs/enterprises/src/claims/enterprise-claims.service.ts',
  'libs/enterprises/src/effective-date-rules.ts',
  'libs/enterprises/src/enterprise-access.ts',
  'libs/enterprises/src/enterprise-mailer.service.ts',
  'libs/enterprises/src/enterprise-status.service.ts',
  'libs/enterprises/src/enterprises.service.ts',
  'libs/enterprises/src/entities/enterprise-status-history.entity.ts',
  'libs/enterprises/src/entities/enterprise.entity.ts',
  'libs/enterprises/src/expiring-links.ts',
  'libs/enterprises/src/imports/enterprise-imports.service.ts',
  'libs/enterprises/src/members/invitation-mailer.service.ts',
  'libs/enterprises/src/members/member-invitation.entity.ts',
  'libs/enterprises/src/members/member-invitations.service.ts',
  'libs/enterprises/src/registration/enterprise-registration.service.ts',
  'libs/enterprises/src/registration/registration-mailer.service.ts',
  'libs/enterprises/src/registration/registration-request.entity.ts',
  'libs/enterprises/src/status-history.ts',
  'libs/evaluation/src/award.service.ts',
  'libs/evaluation/src/conflicts.service.ts',
  'libs/evaluation/src/decisions.service.ts',
  'libs/evaluation/src/evaluation-reminders.service.ts',
  'libs/evaluation/src/evaluation-state.ts',
  'libs/evaluation/src/panel.service.ts',
  'libs/evaluation/src/ranking.service.ts',
  'libs/evaluation/src/scores.service.ts',
  'libs/identity/src/account-mailer.service.ts',
  'libs/identity/src/auth.service.ts',
  'libs/identity/src/departments.service.ts',
  'libs/identity/src/entities/organization.entity.ts',
  'libs/identity/src/entities/password-setup-token.entity.ts',
  'libs/identity/src/entities/refresh-token.entity.ts',
  'libs/identity/src/entities/user.entity.ts',
  'libs/identity/src/users.service.ts',
  'libs/indicators/src/density-queries.ts',
  'libs/indicators/src/indicators.service.ts',
  'libs/jobs/src/operations.service.ts',
  'libs/jobs/src/outbox-message.entity.ts',
  'libs/jobs/src/outbox-relay.service.ts',
  'libs/notifications/src/notification.entity.ts',
  'libs/notifications/src/notifications.service.ts',
  'libs/ocds/src/ocds.service.ts',
  'libs/orders/src/catalogue.service.ts',
  'libs/orders/src/delivery.service.ts',
  'libs/orders/src/entities/milestone-submission.entity.ts',
  'libs/orders/src/entities/order-milestone.entity.ts',
  'libs/orders/src/entities/order-variation.entity.ts',
  'libs/orders/src/entities/order.entity.ts',
  'libs/orders/src/order-ocds.ts',
  'libs/orders/src/order-records.ts',
  'libs/orders/src/order-reminders.service.ts',
  'libs/orders/src/orders.service.ts',
  'libs/orders/src/outcome-read.ts',
  'libs/orders/src/outcome.service.ts',
  'libs/orders/src/track-record.service.ts',
  'libs/orders/src/variations.service.ts',
  'libs/problems/src/amendments.service.ts',
  'libs/problems/src/clarifications.service.ts',
  'libs/problems/src/documents/problem-document.entity.ts',
  'libs/problems/src/documents/problem-documents.service.ts',
  'libs/problems/src/entities/problem-amendment.entity.ts',
  'libs/problems/src/entities/problem-question.entity.ts',
  'libs/problems/src/entities/problem.entity.ts',
  'libs/problems/src/matching.service.ts',
  'libs/problems/src/problem-access.ts',
  'libs/problems/src/problem-audience.ts',
  'libs/problems/src/problem-deadlines.service.ts',
  'libs/problems/src/problem-search.service.ts',
  'libs/problems/src/problems.service.ts',
  'libs/proposals/src/crypto/rotate-master-key.ts',
  'libs/proposals/src/crypto/sealed-keyring.ts',
  'libs/proposals/src/evaluator-access.ts',
  'libs/proposals/src/idempotency.ts',
  'libs/proposals/src/proposals.service.ts',
  'libs/proposals/src/retention.ts',
  'libs/proposals/src/storage/postgres-blob-storage.ts',
]);

/** The few places that legitimately talk to PostgreSQL below the query builder, and why. */
const RAW_ACCESS_ALLOWED = new Set<string>([
  // The bridge itself runs compiled queries on TypeORM's query runner.
  'libs/database/src/sql/kysely.ts',
]);

type Table = keyof typeof TABLE_OWNERS;
const isTable = (name: string): name is Table => Object.prototype.hasOwnProperty.call(TABLE_OWNERS, name);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && name !== 'schema.ts' ? [path] : [];
  });
}

interface Finding {
  file: string;
  problem: string;
}

function scan(): Finding[] {
  const findings: Finding[] = [];
  for (const path of sourceFiles(LIBS)) {
    const file = relative(ROOT, path);
    const lib = file.split('/')[1] as Library;
    const text = readFileSync(path, 'utf8');
    const report = (problem: string) => findings.push({ file, problem });

    if (!RAW_ACCESS_ALLOWED.has(file)) {
      if (/\.query\s*[<(]/.test(text)) report('raw query() — use db(manager) from @app/database');
      if (/getRepository\s*\(|InjectRepository|@Entity\s*\(/.test(text)) report('TypeORM entity/repository — use db(manager)');
    }
    const writes = [
      ...text.matchAll(/\.(?:insertInto|updateTable|deleteFrom|mergeInto)\(\s*'([a-z_]+)/g),
      ...text.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)/g),
    ].map((m) => m[1]);
    const reads = [
      ...text.matchAll(/\.(?:selectFrom|innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)\(\s*'([a-z_]+)/g),
      ...text.matchAll(/\b(?:FROM|JOIN)\s+([a-z_]+)/g),
    ].map((m) => m[1]);
    for (const table of new Set(writes)) {
      if (table && isTable(table) && TABLE_OWNERS[table] !== lib) report(`writes ${table} (owned by ${TABLE_OWNERS[table]})`);
    }
    for (const table of new Set(reads)) {
      if (!table || !isTable(table) || TABLE_OWNERS[table] === lib) continue;
      if (!READ_MODELS[table]?.readers.includes(lib))
        report(`reads ${table} (owned by ${TABLE_OWNERS[table]}, not a read model for ${lib})`);
    }
  }
  return findings;
}

describe('table ownership and the one query style', () => {
  const findings = scan();

  it('every library writes only its own tables, reads others only through read models, and uses the typed builder', () => {
    expect(findings.filter((f) => !NOT_YET_CONVERTED.has(f.file))).toEqual([]);
  });

  it('lists no converted file as pending', () => {
    const stale = [...NOT_YET_CONVERTED].filter((file) => !findings.some((f) => f.file === file));
    expect(stale).toEqual([]);
  });
});
