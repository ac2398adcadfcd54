import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Response } from 'supertest';
import { taxCodeCheckDigit } from '@app/enterprises';
import { newOpaqueToken } from '@app/identity';
import { bearer, PASSWORD, TestContext } from './harness';

/** The areas these suites use; part B's seed loads the full list, so existing rows are left alone. */
export async function ensureAreas(ctx: TestContext): Promise<void> {
  await ctx.dataSource.query(
    `INSERT INTO areas (code, name, unit_type) VALUES
       ('31', 'Thành phố Hải Phòng', 'city'),
       ('11560', 'Phường Thủy Nguyên', 'ward'),
       ('11557', 'Phường Thiên Hương', 'ward'),
       ('11674', 'Xã An Hưng', 'commune')
     ON CONFLICT (code) DO NOTHING`,
  );
}

let serial = 1_000_000 + Math.floor(Math.random() * 1000) * 1000;
/** A fresh, valid 10-digit tax code (province prefix 02, a running serial, the right check digit). */
export function newTaxCode(): string {
  for (;;) {
    const firstNine = `02${String(serial++).padStart(7, '0')}`;
    const check = taxCodeCheckDigit(firstNine);
    if (check !== null) return `${firstNine}${check}`;
  }
}

/** The same first nine digits with every wrong check digit except one: a typo the check digit must catch. */
export function withWrongCheckDigit(code: string): string {
  const right = Number(code[9]);
  return `${code.slice(0, 9)}${(right + 1) % 10}`;
}

export interface RegisteredFirm {
  id: string;
  ownerId: string;
  ownerEmail: string;
  taxCode: string;
}

export function registrationBody(overrides: { email?: string; taxCode?: string; enterprise?: Record<string, unknown> } = {}) {
  const email = overrides.email ?? `owner-${Math.random().toString(36).slice(2, 10)}@firm.vn`;
  return {
    email,
    password: PASSWORD,
    fullName: 'Nguyễn Văn An',
    enterprise: {
      legalName: 'Công ty TNHH Phần mềm Thử nghiệm',
      taxCode: overrides.taxCode ?? newTaxCode(),
      address: 'Số 1 Lạch Tray, Hải Phòng',
      areaCode: '11560',
      sectors: ['ict'],
      tags: [],
      ...overrides.enterprise,
    },
  };
}

export async function registerFirm(
  ctx: TestContext,
  overrides: { email?: string; taxCode?: string; enterprise?: Record<string, unknown> } = {},
): Promise<RegisteredFirm> {
  const body = registrationBody(overrides);
  const res = await registerAndConfirm(ctx, body);
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.enterprise.id, ownerId: res.body.user.id, ownerEmail: body.email, taxCode: res.body.enterprise.taxCode };
}

/**
 * Both steps of a registration: the request (which must be accepted: 202) and the confirmation.
 * The mailed link is stood in for by a token written into the request's row — the worker's mail is
 * tested on its own; with a worker running, its own token may replace ours, so we try again.
 * Answers the confirmation's response (201 with user and enterprise, or the refusal).
 */
export async function registerAndConfirm(ctx: TestContext, body: { email: string; [field: string]: unknown }): Promise<Response> {
  const asked = await ctx.http.post('/api/v1/auth/register-enterprise').send(body);
  if (asked.status !== 202) return asked;
  for (let attempt = 0; ; attempt++) {
    const token = await confirmationToken(ctx, body.email);
    const res = await ctx.http.post('/api/v1/auth/register-enterprise/confirm').send({ token });
    if (res.body?.code !== 'REGISTRATION_LINK_INVALID' || attempt >= 5) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A working confirmation link's token for the newest registration request of `email`. */
export async function confirmationToken(ctx: TestContext, email: string): Promise<string> {
  const [row] = await ctx.dataSource.query<{ id: string }[]>(
    `SELECT id FROM registration_requests WHERE email = lower($1) ORDER BY created_at DESC LIMIT 1`,
    [email.trim()],
  );
  if (!row) throw new Error(`no registration request for ${email}`);
  const { token, hash } = newOpaqueToken(row.id);
  await ctx.dataSource.query(`UPDATE registration_requests SET token_hash = $2 WHERE id = $1`, [row.id, hash]);
  return token;
}

/** A working invitation link's token for the newest pending invitation of `email` (stands in for the mail). */
export async function invitationToken(ctx: TestContext, email: string): Promise<string> {
  const [row] = await ctx.dataSource.query<{ id: string }[]>(
    `SELECT id FROM member_invitations WHERE email = lower($1) ORDER BY created_at DESC LIMIT 1`,
    [email.trim()],
  );
  if (!row) throw new Error(`no invitation for ${email}`);
  const { token, hash } = newOpaqueToken(row.id);
  await ctx.dataSource.query(`UPDATE member_invitations SET token_hash = $2 WHERE id = $1`, [row.id, hash]);
  return token;
}

/** Accepts the newest invitation of `email` with `password`, as the mailed link would (retrying if a running worker re-mailed it). */
export async function acceptInvitation(ctx: TestContext, email: string, password: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const token = await invitationToken(ctx, email);
    const res = await ctx.http.post('/api/v1/auth/invitations/accept').send({ token, password });
    if (res.body?.code !== 'INVITATION_LINK_INVALID' || attempt >= 5) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function changeStatus(
  ctx: TestContext,
  token: string,
  id: string,
  action: 'verify' | 'reject' | 'suspend' | 'reinstate' | 'cease',
  body: { effectiveDate?: string; reason?: string } = {},
) {
  return ctx.http.post(`/api/v1/enterprises/${id}/${action}`).set(bearer(token)).send(body);
}

/** Today in Asia/Ho_Chi_Minh, computed here independently of the code under test. */
export function vnToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

export function daysBefore(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export async function countRows(ctx: TestContext, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await ctx.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${sql}`, params);
  return rows[0]!.n;
}

const mailDir = resolve(process.env.MAIL_DIR ?? '.data/mail');

/** Mail bodies are quoted-printable: undo soft line breaks and =XX escapes. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
}

/** Every .eml written since `since` to `address` whose text contains `needle`. */
export async function mailsTo(address: string, since: number, needle = ''): Promise<string[]> {
  const files = await readdir(mailDir).catch(() => [] as string[]);
  const found: string[] = [];
  for (const f of files.filter((n) => n.endsWith('.eml'))) {
    if ((await stat(join(mailDir, f))).mtimeMs < since) continue;
    const text = decodeQuotedPrintable(await readFile(join(mailDir, f), 'utf8'));
    if (text.includes(`To: ${address}`) && text.includes(needle)) found.push(text);
  }
  return found;
}
