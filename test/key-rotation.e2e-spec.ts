import { randomBytes } from 'node:crypto';
import { bearer, startApp, TestContext } from './harness';
import { createDepartmentWithOfficer, createPublishedProblem, createVerifiedEnterprise, passDeadlineAndGrace } from './factories';
import { AppConfig } from '@app/common';
import { rotateMasterKey } from '@app/proposals';
import { SealedKeyring } from '../libs/proposals/src/crypto/sealed-keyring';
import { DataKeyOpener, openParts, unpack } from '../libs/proposals/src/crypto/crypto-envelope';
import { attachmentAad, versionAad } from '../libs/proposals/src/sealed-content';

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Title (rotation) >> endobj\n%%EOF\n', 'latin1');

/** A keyring holding the given master key, as the API would after a restart with it. */
const keyringWith = (master: Buffer) => new SealedKeyring({ get: () => master.toString('base64') } as unknown as AppConfig);

describe('rotating DATA_MASTER_KEY', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startApp();
  });
  afterAll(() => ctx.close());

  it('re-wraps every key so no sealed bid is lost, and refuses a wrong current key without changing anything', async () => {
    const dept = await createDepartmentWithOfficer(ctx);
    const firm = await createVerifiedEnterprise(ctx);
    const problemId = await createPublishedProblem(ctx, dept);
    const att = await ctx.http
      .post(`/api/v1/problems/${problemId}/attachments`)
      .set(bearer(firm.token))
      .attach('file', PDF, { filename: 'Hồ sơ.pdf', contentType: 'application/pdf' })
      .expect(201);
    const submitted = await ctx.http
      .post(`/api/v1/problems/${problemId}/proposals`)
      .set(bearer(firm.token))
      .send({
        approach: 'Cách tiếp cận XOAY',
        solution: 'Giải pháp',
        plan: 'Kế hoạch',
        team: 'Nhóm',
        price: 1000,
        durationMonths: 3,
        references: [],
        attachmentIds: [att.body.id],
      })
      .expect(201);
    const proposalId = submitted.body.id as string;

    const oldMaster = Buffer.from(process.env.DATA_MASTER_KEY as string, 'base64');
    const newMaster = randomBytes(32);
    const before = await ctx.dataSource.query(`SELECT sealed_key FROM problems WHERE id = $1`, [problemId]);

    // The wrong "current" key: nothing opens, nothing is written.
    await expect(ctx.dataSource.transaction((m) => rotateMasterKey(m, randomBytes(32), newMaster))).rejects.toThrow();
    expect(await ctx.dataSource.query(`SELECT sealed_key FROM problems WHERE id = $1`, [problemId])).toEqual(before);

    const counts = await ctx.dataSource.transaction((m) => rotateMasterKey(m, oldMaster, newMaster));
    expect(counts).toEqual({ problemKeys: 1, versions: 1, attachments: 1 });

    const [version] = await ctx.dataSource.query(
      `SELECT version, ciphertext, iv, auth_tag, key_for_problem, key_for_bidder FROM proposal_versions WHERE proposal_id = $1`,
      [proposalId],
    );
    const [file] = await ctx.dataSource.query(
      `SELECT id, file_name_ciphertext, key_for_problem, key_for_bidder FROM proposal_attachments WHERE id = $1`,
      [att.body.id],
    );
    const readVersion = (opener: DataKeyOpener) =>
      openParts(
        opener,
        { keyForProblem: version.key_for_problem, keyForBidder: version.key_for_bidder },
        versionAad(proposalId, version.version),
        [{ iv: version.iv, tag: version.auth_tag, ciphertext: version.ciphertext }],
      )[0]!.toString('utf8');
    const readFileName = (opener: DataKeyOpener) =>
      openParts(opener, { keyForProblem: file.key_for_problem, keyForBidder: file.key_for_bidder }, attachmentAad(file.id), [
        null,
        unpack(file.file_name_ciphertext),
      ])[1]!.toString('utf8');

    // The firm's own copy opens with the new key only.
    expect(readVersion(keyringWith(newMaster).bidderOpener(firm.id))).toContain('Cách tiếp cận XOAY');
    expect(readFileName(keyringWith(newMaster).bidderOpener(firm.id))).toBe('Hồ sơ.pdf');
    expect(() => readVersion(keyringWith(oldMaster).bidderOpener(firm.id))).toThrow();

    // After the deadline the problem key opens with the new master key, and still not before.
    await expect(ctx.dataSource.transaction((m) => keyringWith(newMaster).openProblemKey(m, problemId))).rejects.toMatchObject({
      code: 'PROPOSAL_SEALED',
    });
    await passDeadlineAndGrace(ctx, problemId);
    const opener = await ctx.dataSource.transaction((m) => keyringWith(newMaster).openProblemKey(m, problemId));
    expect(readVersion(opener)).toContain('Cách tiếp cận XOAY');
    await expect(ctx.dataSource.transaction((m) => keyringWith(oldMaster).openProblemKey(m, problemId))).rejects.toThrow();
  });
});
