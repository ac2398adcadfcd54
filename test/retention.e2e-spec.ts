import './disk-blob-store-env';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createUser, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createPublishedProblem, createVerifiedEnterprise } from './factories';
import { RetentionSweeper } from '../apps/worker/src/retention/retention.sweeper';

async function blob(key: string, hoursAgo: number): Promise<string> {
  const path = join(process.env.STORAGE_DIR as string, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, 'sealed bytes');
  const at = new Date(Date.now() - hoursAgo * 3600_000);
  await utimes(path, at, at);
  return path;
}

describe('retention sweeps (worker)', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp({ worker: true });
  });
  afterAll(() => ctx.close());

  it('prunes what outlived its retention and keeps everything still needed', async () => {
    const q = (sql: string, params: unknown[] = []) => ctx.dataSource.query(sql, params);
    const userId = await createUser(ctx, { email: 'keeper@city.test.vn', role: 'admin' });
    // Outbox: delivered long ago (pruned), delivered just now and never delivered (kept).
    await q(`INSERT INTO outbox (queue, job_name, dispatched_at) VALUES ('mail', 'old', now() - interval '30 days'),
             ('mail', 'recent', now()), ('mail', 'pending', NULL)`);
    // Idempotency keys: 5 days old (pruned at 72 h) and fresh (kept).
    await q(
      `INSERT INTO idempotency_keys (user_id, key, scope, request_sha256, status_code, response, created_at)
             VALUES ($1, 'old', 's', repeat('0', 64), 201, '{}', now() - interval '5 days'), ($1, 'new', 's', repeat('0', 64), 201, '{}', now())`,
      [userId],
    );
    // Refresh tokens: expired 10 days ago (pruned), live (kept).
    await q(
      `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at) VALUES
             (gen_random_uuid(), gen_random_uuid(), $1, 'x', now() - interval '10 days'), (gen_random_uuid(), gen_random_uuid(), $1, 'y', now() + interval '1 day')`,
      [userId],
    );
    await q(
      `INSERT INTO login_failures (email_key, failed_count, updated_at) VALUES ('gone@x.vn', 2, now() - interval '30 days'), ('fresh@x.vn', 1, now())`,
    );

    // Blobs: an old orphan (pruned), a fresh orphan (kept: its upload may still be committing),
    // and an old blob an attachment row refers to (kept).
    const dept = await createDepartmentWithOfficer(ctx);
    const firm = await createVerifiedEnterprise(ctx);
    const problemId = await createPublishedProblem(ctx, dept);
    const referencedKey = `attachments/ab/${randomUUID()}`;
    await q(
      `INSERT INTO proposal_attachments (problem_id, enterprise_id, uploaded_by, file_name_ciphertext, media_type, size_bytes,
         content_sha256, storage_key, iv, auth_tag, key_for_problem, key_for_bidder)
       VALUES ($1, $2, $3, '\\x00', 'application/pdf', 1, repeat('0', 64), $4, '\\x00', '\\x00', '\\x00', '\\x00')`,
      [problemId, firm.id, firm.memberId, referencedKey],
    );
    const referenced = await blob(referencedKey, 100);
    const oldOrphan = await blob(`attachments/cd/${randomUUID()}`, 100);
    const freshOrphan = await blob(`attachments/ef/${randomUUID()}`, 1);

    // Unconfirmed registrations and unaccepted invitations hold personal data: pruned once long expired.
    await q(`INSERT INTO registration_requests (id, email, full_name, password_hash, language, profile, expires_at) VALUES
             (gen_random_uuid(), 'old@x.vn', 'A', 'h', 'vi', '{}', now() - interval '10 days'),
             (gen_random_uuid(), 'live@x.vn', 'B', 'h', 'vi', '{}', now() + interval '1 day')`);
    await q(
      `INSERT INTO member_invitations (id, enterprise_id, email, full_name, language, invited_by, expires_at) VALUES
             (gen_random_uuid(), $1, 'old@x.vn', 'A', 'vi', $2, now() - interval '10 days'),
             (gen_random_uuid(), $1, 'live@x.vn', 'B', 'vi', $2, now() + interval '1 day')`,
      [firm.id, firm.memberId],
    );

    const counts = await ctx.worker!.get(RetentionSweeper).sweep();
    expect(counts).toEqual({
      outbox: 1,
      idempotency_keys: 1,
      tokens: 2,
      registration_requests: 1,
      member_invitations: 1,
      orphan_blobs: 1,
    });
    expect((await q(`SELECT job_name FROM outbox ORDER BY id`)).map((r: { job_name: string }) => r.job_name)).toEqual([
      'recent',
      'pending',
    ]);
    expect((await q(`SELECT key FROM idempotency_keys`)).map((r: { key: string }) => r.key)).toEqual(['new']);
    expect(await q(`SELECT email FROM registration_requests`)).toEqual([{ email: 'live@x.vn' }]);
    expect(await q(`SELECT email FROM member_invitations`)).toEqual([{ email: 'live@x.vn' }]);
    expect(existsSync(referenced)).toBe(true);
    expect(existsSync(freshOrphan)).toBe(true);
    expect(existsSync(oldOrphan)).toBe(false);
    // A second sweep finds nothing more.
    expect(await ctx.worker!.get(RetentionSweeper).sweep()).toEqual({
      outbox: 0,
      idempotency_keys: 0,
      tokens: 0,
      registration_requests: 0,
      member_invitations: 0,
      orphan_blobs: 0,
    });
  });
});
