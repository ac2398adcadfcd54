import { createPublicKey, randomUUID, verify as verifySignature } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AuditService, AuditTreeService, leafHash, verifyConsistency, verifyInclusion } from '@app/audit';
import { canonicalJson } from '@app/common';
import { rowHash } from '../libs/audit/src/audit-hash';
import { bearer, createUser, login, startApp, TestContext } from './harness';

/**
 * Issue 15: the audit log is chained and hashed into a Merkle tree by the worker, off the write
 * path, and its heads are signed and public. These tests play the attacker with database
 * superuser rights (triggers bypassed): they edit, reorder and delete the newest entries, and
 * check that `verify` — and anyone holding an earlier signed head — finds out. Every tamper is
 * undone at the end of its test, since the log is kept from one spec file to the next.
 */
describe('audit log: Merkle tree, signed heads, proofs (issue 15)', () => {
  let ctx: TestContext;
  let admin: string;
  let tree: AuditTreeService;

  type Head = { treeSize: number; rootHash: string; signedAt: string; signature: string; publicKey: string; algorithm: string };
  type Verification = {
    valid: boolean;
    checked: number;
    firstBroken: { seq: string; reason: string } | null;
    heads: { treeSize: number; source: string; holds: boolean; reason: string | null }[];
  };

  const makeDepartment = async (name: string) =>
    (await ctx.http.post('/api/v1/departments').set(bearer(admin)).send({ name }).expect(201)).body as { id: string };
  const latestHead = async () => (await ctx.http.get('/api/v1/audit/heads/latest').expect(200)).body as Head;
  const verify = async (query = '') =>
    (await ctx.http.get(`/api/v1/audit/verify${query}`).set(bearer(admin)).expect(200)).body as Verification;
  /** As the superuser who bypasses the append-only triggers (and the foreign keys). */
  const asSuperuser = (work: (m: EntityManager) => Promise<unknown>) =>
    ctx.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await work(m);
    });
  const rowsOf = async (table: string, where: string, params: unknown[]) =>
    (await ctx.dataSource.query<{ row: object }[]>(`SELECT to_json(t) AS row FROM ${table} t WHERE ${where}`, params)).map(
      (r) => r.row,
    );
  const putBack = (m: EntityManager, table: string, rows: object[]) =>
    Promise.all(
      rows.map((row) =>
        m.query(`INSERT INTO ${table} OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_record(NULL::${table}, $1::json)`, [
          JSON.stringify(row),
        ]),
      ),
    );

  beforeAll(async () => {
    ctx = await startApp();
    tree = ctx.app.get(AuditTreeService);
    await createUser(ctx, { email: 'admin@tree.vn', role: 'admin' });
    admin = await login(ctx, 'admin@tree.vn');
    for (const name of ['Sở Xây dựng', 'Sở Y tế', 'Sở Giáo dục và Đào tạo']) await makeDepartment(name);
    await tree.publish(); // the worker's tick, run here so the test need not wait for it
  });
  afterAll(() => ctx.close());

  it('a write does not wait for the chain: it commits while the chain builder is held up', async () => {
    const builder = ctx.dataSource.createQueryRunner();
    await builder.connect();
    await builder.startTransaction();
    try {
      // The lock only chain builders take (worker, admin catch-up), held as a stalled builder would.
      await builder.query('SELECT pg_advisory_xact_lock(71062026)');
      const started = Date.now();
      const dept = await makeDepartment('Sở Tài chính');
      expect(Date.now() - started).toBeLessThan(5000);
      // Its row is in the log, waiting to be chained.
      const [row] = await ctx.dataSource.query<{ pending: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM audit_pending p JOIN audit_log a ON a.seq = p.seq WHERE a.entity_id = $1) AS pending`,
        [dept.id],
      );
      expect(row!.pending).toBe(true);
    } finally {
      await builder.rollbackTransaction();
      await builder.release();
    }
    // Released, the builder chains it.
    await tree.publish();
    expect(await verify()).toMatchObject({ valid: true, firstBroken: null });
  });

  it('publishes a signed head anyone can check with the published key', async () => {
    const head = await latestHead(); // no token: public
    expect(head.algorithm).toBe('Ed25519');
    const total = (await ctx.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_log`))[0]!.n;
    expect(head.treeSize).toBe(total);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(head.publicKey, 'base64').toString('base64url') },
      format: 'jwk',
    });
    const body = Buffer.from(canonicalJson({ treeSize: head.treeSize, rootHash: head.rootHash, signedAt: head.signedAt }));
    expect(verifySignature(null, body, key, Buffer.from(head.signature, 'base64'))).toBe(true);
    const forged = Buffer.from(canonicalJson({ treeSize: head.treeSize - 1, rootHash: head.rootHash, signedAt: head.signedAt }));
    expect(verifySignature(null, forged, key, Buffer.from(head.signature, 'base64'))).toBe(false);
    // The OCDS package carries the same head.
    const pkg = (await ctx.http.get('/api/v1/ocds/release-packages?from=2020-01-01&to=2030-01-01').expect(200)).body as {
      auditTreeHead?: Head;
    };
    expect(pkg.auditTreeHead).toMatchObject({ treeSize: head.treeSize, rootHash: head.rootHash, signature: head.signature });
  });

  it('gives any chained entry an inclusion proof that checks against the signed head; a sealed entry has none', async () => {
    const head = await latestHead();
    const entries = (await ctx.http.get('/api/v1/audit?limit=5').set(bearer(admin)).expect(200)).body.items as {
      id: string;
      hash: string;
    }[];
    for (const entry of entries) {
      const proof = (await ctx.http.get(`/api/v1/audit/proofs/${entry.id}`).expect(200)).body;
      expect(proof).toMatchObject({ entryId: entry.id, chainHash: entry.hash, treeSize: head.treeSize, rootHash: head.rootHash });
      expect(verifyInclusion(leafHash(entry.hash), proof.leafIndex, head.treeSize, proof.auditPath, head.rootHash)).toBe(true);
      // Another entry's hash does not pass for it.
      const other = entries.find((e) => e.id !== entry.id)!;
      expect(verifyInclusion(leafHash(other.hash), proof.leafIndex, head.treeSize, proof.auditPath, head.rootHash)).toBe(false);
    }
    // A bid's entry is held sealed until the opening: it has no proof, exactly like an unknown id.
    const audit = ctx.app.get(AuditService);
    const problemId = randomUUID();
    await ctx.dataSource.transaction((m) =>
      audit.recordSealed(
        m,
        { scope: 'bids', ref: problemId },
        { actor: null, action: 'proposal.submitted', entityType: 'proposal', entityId: randomUUID() },
      ),
    );
    const [held] = await ctx.dataSource.query<{ id: string }[]>(`SELECT id FROM audit_sealed WHERE ref = $1`, [problemId]);
    await tree.publish();
    const sealed = await ctx.http.get(`/api/v1/audit/proofs/${held!.id}`).expect(404);
    const unknown = await ctx.http.get(`/api/v1/audit/proofs/${randomUUID()}`).expect(404);
    expect(sealed.body.code).toBe('AUDIT_ENTRY_NOT_FOUND');
    expect(sealed.body).toEqual(unknown.body);
    await ctx.http.get(`/api/v1/audit/proofs/${entries[0]!.id}?treeSize=${head.treeSize + 1000}`).expect(400);
  });

  it('an earlier head is consistent with a later one, and verify starts from a checkpoint', async () => {
    const first = await latestHead();
    await makeDepartment('Sở Công Thương');
    await tree.publish();
    const second = await latestHead();
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const res = await ctx.http
      .get(`/api/v1/audit/proofs/consistency?first=${first.treeSize}&second=${second.treeSize}`)
      .expect(200);
    expect(verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, res.body.proof)).toBe(true);
    await ctx.http.get(`/api/v1/audit/proofs/consistency?first=${second.treeSize}&second=${first.treeSize}`).expect(400);

    const full = await verify();
    const incremental = await verify(`?from=${first.treeSize}`);
    expect(full).toMatchObject({ valid: true, checked: second.treeSize });
    expect(incremental).toMatchObject({ valid: true, checked: second.treeSize - first.treeSize });
    expect(
      (
        await ctx.http
          .get(`/api/v1/audit/verify?from=${first.treeSize + 1000}`)
          .set(bearer(admin))
          .expect(404)
      ).body.code,
    ).toBe('AUDIT_CHECKPOINT_NOT_FOUND');
    // Only admins run it.
    await createUser(ctx, { email: 'officer@tree.vn', role: 'evaluator' });
    await ctx.http
      .get('/api/v1/audit/verify')
      .set(bearer(await login(ctx, 'officer@tree.vn')))
      .expect(403);
  });

  it('detects two entries reordered, even when the attacker rehashes the whole chain after them', async () => {
    const head = await latestHead();
    type ChainRow = { pos: string; seq: string; prev_hash: string; hash: string };
    const [a, b] = await ctx.dataSource.query<[ChainRow, ChainRow]>(
      `SELECT pos, seq, prev_hash, hash FROM audit_chain ORDER BY pos DESC LIMIT 2`,
    );
    const [newer, older] = [a, b];
    const content = async (seq: string) =>
      (
        await ctx.dataSource.query(
          `SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before, after FROM audit_log WHERE seq = $1`,
          [seq],
        )
      )[0];
    const swap = (rows: { pos: string; seq: string; prev_hash: string; hash: string }[]) =>
      asSuperuser(async (m) => {
        for (const r of rows)
          await m.query(`UPDATE audit_chain SET seq = $2, prev_hash = $3, hash = $4 WHERE pos = $1`, [
            r.pos,
            r.seq,
            r.prev_hash,
            r.hash,
          ]);
      });
    // 1. Swapped in place: the links break at the first of them.
    await asSuperuser((m) => m.query(`UPDATE audit_chain SET seq = -seq WHERE pos IN ($1, $2)`, [older.pos, newer.pos]));
    await swap([
      { ...older, seq: newer.seq },
      { ...newer, seq: older.seq },
    ]);
    try {
      const res = await verify();
      expect(res.valid).toBe(false);
      expect(res.firstBroken).toMatchObject({ seq: newer.seq, reason: 'hash_mismatch' });
      // 2. Rehashed so the chain holds again: the signed head no longer matches.
      const h1 = rowHash(await content(newer.seq), older.prev_hash);
      const h2 = rowHash(await content(older.seq), h1);
      await swap([
        { ...older, seq: newer.seq, hash: h1 },
        { ...newer, seq: older.seq, prev_hash: h1, hash: h2 },
      ]);
      const rehashed = await verify();
      expect(rehashed.firstBroken).toBeNull();
      expect(rehashed.valid).toBe(false);
      expect(rehashed.heads).toContainEqual(
        expect.objectContaining({ treeSize: head.treeSize, source: 'published', holds: false, reason: 'root_mismatch' }),
      );
    } finally {
      await asSuperuser((m) => m.query(`UPDATE audit_chain SET seq = -seq WHERE pos IN ($1, $2)`, [older.pos, newer.pos]));
      await swap([older, newer]);
    }
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('detects the newest entries deleted: by the published head, and by an earlier head someone kept when that is deleted too', async () => {
    const held = await latestHead(); // what an outside observer saved
    const newest = await ctx.dataSource.query<{ seq: string }[]>(`SELECT seq FROM audit_chain ORDER BY pos DESC LIMIT 2`);
    const seqs = newest.map((r) => r.seq);
    const saved = {
      log: await rowsOf('audit_log', 'seq = ANY($1::bigint[])', [seqs]),
      chain: await rowsOf('audit_chain', 'seq = ANY($1::bigint[])', [seqs]),
      heads: await rowsOf('audit_tree_head', 'tree_size > $1', [held.treeSize - 2]),
    };
    try {
      await asSuperuser(async (m) => {
        await m.query(`DELETE FROM audit_chain WHERE seq = ANY($1::bigint[])`, [seqs]);
        await m.query(`DELETE FROM audit_log WHERE seq = ANY($1::bigint[])`, [seqs]);
      });
      const res = await verify();
      expect(res.firstBroken).toBeNull(); // what is left still chains…
      expect(res.valid).toBe(false); // …but it is shorter than what was signed
      expect(res.heads).toContainEqual(
        expect.objectContaining({ source: 'published', holds: false, reason: 'log_shorter_than_head' }),
      );

      // The thorough attacker also deletes the heads signed since: the server's own head now agrees…
      await asSuperuser((m) => m.query(`DELETE FROM audit_tree_head WHERE tree_size > $1`, [held.treeSize - 2]));
      // …but not the one an outsider kept.
      const checked = await verify(`?treeSize=${held.treeSize}&rootHash=${held.rootHash}`);
      expect(checked.valid).toBe(false);
      expect(checked.heads).toContainEqual(
        expect.objectContaining({ source: 'given', treeSize: held.treeSize, holds: false, reason: 'log_shorter_than_head' }),
      );
    } finally {
      await asSuperuser(async (m) => {
        await putBack(m, 'audit_log', saved.log);
        await putBack(m, 'audit_chain', saved.chain);
        await m.query(`DELETE FROM audit_tree_head WHERE tree_size > $1`, [held.treeSize - 2]);
        await putBack(m, 'audit_tree_head', saved.heads);
      });
    }
    const restored = await verify(`?treeSize=${held.treeSize}&rootHash=${held.rootHash}`);
    expect(restored).toMatchObject({ valid: true });
    expect(restored.heads.every((h) => h.holds)).toBe(true);
  });

  it('detects an edited entry against a head an outsider holds, even after the attacker re-signs nothing and rehashes everything', async () => {
    const held = await latestHead();
    const [target] = await ctx.dataSource.query<{ seq: string; pos: string; prev_hash: string; hash: string }[]>(
      `SELECT c.seq, c.pos, c.prev_hash, c.hash FROM audit_chain c ORDER BY pos DESC LIMIT 1`,
    );
    const [original] = await ctx.dataSource.query<{ action: string }[]>(`SELECT action FROM audit_log WHERE seq = $1`, [
      target!.seq,
    ]);
    try {
      await asSuperuser(async (m) => {
        await m.query(`UPDATE audit_log SET action = 'department.viewed' WHERE seq = $1`, [target!.seq]);
        const [row] = await m.query(
          `SELECT id, occurred_at, actor_id, actor_role, action, entity_type, entity_id, before, after FROM audit_log WHERE seq = $1`,
          [target!.seq],
        );
        await m.query(`UPDATE audit_chain SET hash = $2 WHERE pos = $1`, [target!.pos, rowHash(row, target!.prev_hash)]);
      });
      const res = await verify(`?treeSize=${held.treeSize}&rootHash=${held.rootHash}`);
      expect(res.valid).toBe(false);
      expect(res.heads.filter((h) => !h.holds).map((h) => h.reason)).toEqual(['root_mismatch', 'root_mismatch']);
    } finally {
      await asSuperuser(async (m) => {
        await m.query(`UPDATE audit_log SET action = $2 WHERE seq = $1`, [target!.seq, original!.action]);
        await m.query(`UPDATE audit_chain SET hash = $2 WHERE pos = $1`, [target!.pos, target!.hash]);
      });
    }
    expect(await verify()).toMatchObject({ valid: true });
  });
});
