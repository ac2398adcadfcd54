import { randomUUID } from 'node:crypto';
import { taxCodeCheckDigit } from '@app/enterprises';
import { createDepartment, createUser, login, TestContext } from './harness';

/**
 * SQL factories for the marketplace suites: firms, departments with an officer, and problems
 * inserted straight into their final state, so a suite does not depend on other features' endpoints.
 */

/** A commune-level area for firms' head offices (the full list is loaded by the seed, not the tests). */
export const TEST_AREA_CODE = '11560';

export async function ensureTestAreas(ctx: TestContext): Promise<void> {
  await ctx.dataSource.query(
    `INSERT INTO areas (code, name, unit_type) VALUES ('31', 'Thành phố Hải Phòng', 'city'), ($1, 'Phường Thủy Nguyên', 'ward')
     ON CONFLICT (code) DO NOTHING`,
    [TEST_AREA_CODE],
  );
}

let taxSerial = 3_000_000 + Math.floor(Math.random() * 900) * 1000;
/** A fresh, valid 10-digit tax code. */
export function freshTaxCode(): string {
  for (;;) {
    const firstNine = `03${String(taxSerial++).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

export interface TestFirm {
  id: string;
  memberId: string;
  memberEmail: string;
  token: string;
}

/** A firm in the given registry status (verified by default) with one member, logged in. */
export async function createVerifiedEnterprise(
  ctx: TestContext,
  options: {
    legalName?: string;
    status?: 'verified' | 'pending' | 'suspended' | 'ceased' | 'rejected';
    email?: string;
    /** for matching: default ['ict'], no tags, the test ward */
    sectors?: string[];
    tags?: string[];
    areaCode?: string;
  } = {},
): Promise<TestFirm> {
  await ensureTestAreas(ctx);
  const legalName = options.legalName ?? `Công ty Thử nghiệm ${randomUUID().slice(0, 8)}`;
  const [org] = await ctx.dataSource.query<{ id: string }[]>(
    `INSERT INTO organizations (kind, name) VALUES ('enterprise', $1) RETURNING id`,
    [legalName],
  );
  const status = options.status ?? 'verified';
  await ctx.dataSource.query(
    `INSERT INTO enterprises (id, tax_code, legal_name, address, area_code, sectors, tags, status, status_effective_date)
     VALUES ($1, $2, $3, 'Số 1 Lạch Tray, Hải Phòng', $4, $6, $7, $5, CASE WHEN $5 = 'pending' THEN NULL ELSE current_date END)`,
    [
      org!.id,
      freshTaxCode(),
      legalName,
      options.areaCode ?? TEST_AREA_CODE,
      status,
      options.sectors ?? ['ict'],
      options.tags ?? [],
    ],
  );
  const memberEmail = options.email ?? `member-${randomUUID().slice(0, 8)}@firm.test.vn`;
  const memberId = await createUser(ctx, { email: memberEmail, role: 'enterprise', organizationId: org!.id });
  await ctx.dataSource.query(`UPDATE users SET org_role = 'owner' WHERE id = $1`, [memberId]);
  return { id: org!.id, memberId, memberEmail, token: await login(ctx, memberEmail) };
}

export interface TestDepartment {
  id: string;
  officerId: string;
  officerEmail: string;
  token: string;
}

export async function createDepartmentWithOfficer(ctx: TestContext, name?: string): Promise<TestDepartment> {
  const suffix = randomUUID().slice(0, 8);
  const id = await createDepartment(ctx, name ?? `Sở Thử nghiệm ${suffix}`);
  const officerEmail = `officer-${suffix}@dept.test.vn`;
  const officerId = await createUser(ctx, { email: officerEmail, role: 'officer', organizationId: id });
  return { id, officerId, officerEmail, token: await login(ctx, officerEmail) };
}

export const TEST_RUBRIC = {
  passMark: 60,
  criteria: [
    { key: 'approach', name: 'Approach', weight: 40 },
    { key: 'team', name: 'Team', weight: 30 },
    { key: 'price', name: 'Price', weight: 30 },
  ],
};

/**
 * A problem inserted directly in the given state (published by default). The deadline is
 * `deadlineIn` from the database clock, as a PostgreSQL interval ('7 days', '3 seconds', '-1 hour').
 */
export async function createPublishedProblem(
  ctx: TestContext,
  department: { id: string; officerId: string },
  options: { title?: string; deadlineIn?: string; status?: string } = {},
): Promise<string> {
  const [row] = await ctx.dataSource.query<{ id: string }[]>(
    `INSERT INTO problems (department_id, created_by, status, title, summary, description, expected_results, sector,
                           deadline, clarification_deadline, rubric, published_at, receipt_grace)
     VALUES ($1, $2, $3, $4, 'Tóm tắt bài toán', 'Mô tả hiện trạng và điểm nghẽn', 'Kết quả mong đợi', 'ict',
             now() + $5::interval, now() + $5::interval - interval '1 second', $6::jsonb, now(), make_interval(secs => $7))
     RETURNING id`,
    [
      department.id,
      department.officerId,
      options.status ?? 'published',
      options.title ?? `Bài toán ${randomUUID().slice(0, 8)}`,
      options.deadlineIn ?? '7 days',
      JSON.stringify(TEST_RUBRIC),
      Number(process.env.PROPOSAL_RECEIPT_GRACE_SECONDS),
    ],
  );
  return row!.id;
}

/**
 * Moves the deadline back so that it and the commit grace after it have passed: the proposals
 * open (to the department, once the problem is closed).
 */
export async function passDeadlineAndGrace(ctx: TestContext, problemId: string): Promise<void> {
  await ctx.dataSource.query(
    `UPDATE problems SET clarification_deadline = now() - receipt_grace - interval '2 seconds',
                         deadline = now() - receipt_grace - interval '1 second' WHERE id = $1`,
    [problemId],
  );
}

/** Moves a problem's deadline to `in` from the database clock. */
export async function setDeadline(ctx: TestContext, problemId: string, interval: string): Promise<void> {
  await ctx.dataSource.query(
    `UPDATE problems SET clarification_deadline = now() + $2::interval - interval '1 second', deadline = now() + $2::interval WHERE id = $1`,
    [problemId, interval],
  );
}
