import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { db } from '@app/database';

import { openParts } from './crypto/crypto-envelope';
import { SealedKeyring } from './crypto/sealed-keyring';
import { ProposalContent, receiptSha256 } from './receipt';
import { versionAad } from './sealed-content';
import { keysOf, OpenedVersion } from './proposal-views';

/** Opening for evaluation: the problem's live bids decrypted with the problem key, after the deadline only. */
@Injectable()
export class ProposalOpeningService {
  constructor(private readonly keyring: SealedKeyring) {}

  /**
   * The latest version of every live proposal of a problem, decrypted with the problem key (so
   * only after the deadline: openProblemKey refuses before it). For ranking and the award, which
   * need each bid's price and the time of its final submission.
   */
  async openLatestVersions(manager: EntityManager, problemId: string): Promise<OpenedVersion[]> {
    const opener = await this.keyring.openProblemKey(manager, problemId);
    const rows = await db(manager)
      .selectFrom('proposals as p')
      .innerJoin('proposal_versions as v', (j) =>
        j.onRef('v.proposal_id', '=', 'p.id').onRef('v.version', '=', 'p.current_version'),
      )
      .select([
        'p.id as proposal_id',
        'p.enterprise_id',
        'v.version',
        'v.submitted_at',
        'v.content_sha256',
        'v.ciphertext',
        'v.iv',
        'v.auth_tag',
        'v.key_for_problem',
        'v.key_for_bidder',
      ])
      .where('p.problem_id', '=', problemId)
      .where('p.status', '<>', 'withdrawn')
      .orderBy('p.created_at')
      .orderBy('p.id')
      .execute();
    return rows.map((r) => {
      const [plain] = openParts(opener, keysOf(r), versionAad(r.proposal_id, r.version), [
        { iv: r.iv, tag: r.auth_tag, ciphertext: r.ciphertext },
      ]);
      const content = JSON.parse((plain as Buffer).toString('utf8')) as ProposalContent;
      if (receiptSha256(content) !== r.content_sha256)
        throw new Error(`Proposal ${r.proposal_id} v${r.version} fails its receipt hash`);
      return {
        proposalId: r.proposal_id,
        enterpriseId: r.enterprise_id,
        version: r.version,
        submittedAt: r.submitted_at,
        content,
      };
    });
  }
}
