import { ApiProperty } from '@nestjs/swagger';
// The hashing module directly: the @app/common barrel also loads the config module, which
// validates the environment on import, and this file is used by environment-free unit specs too.
// eslint-disable-next-line no-restricted-imports -- the index validates the environment on import; this leaf module is used by environment-free unit specs (and the portal)
import { canonicalJson, sha256Hex } from '@app/common/hashing';

export type ProposalReference = string | { title: string; url: string };

/**
 * The sealed content of one version, exactly as encrypted and as returned to readers.
 * Its receipt hash is SHA-256 (lower-case hex) over canonicalJson (keys sorted, no whitespace)
 * of this object, with these fields only:
 *   approach, solution, plan, team — the texts, NFC-normalised and trimmed;
 *   price — integer VND; durationMonths — integer;
 *   references — [] when none, each a string or {title, url} (texts NFC-normalised and trimmed);
 *   attachments — [{id, sha256}] in the order of attachmentIds, sha256 being the hex SHA-256
 *   of the file's bytes as uploaded (returned by the upload), [] when none.
 * GET /proposals/:id returns this object as `content`, so a firm can recompute its receipt.
 */
export class ProposalContent {
  approach: string;
  solution: string;
  plan: string;
  team: string;
  price: number;
  durationMonths: number;
  @ApiProperty({
    type: 'array',
    description: 'Each a text (at most 1,000 characters) or a {title, url} link',
    items: {
      oneOf: [
        { type: 'string', maxLength: 1000 },
        {
          type: 'object',
          required: ['title', 'url'],
          properties: { title: { type: 'string' }, url: { type: 'string' } },
          additionalProperties: false,
        },
      ],
    },
  })
  references: ProposalReference[];
  attachments: { id: string; sha256: string }[];
}

export function receiptSha256(content: ProposalContent): string {
  return sha256Hex(canonicalJson(content));
}

export class Receipt {
  proposalId: string;
  version: number;
  /**
   * When the server received the version, by the database clock (the clock when its transaction
   * began its work, less the time the request had waited since it fully arrived), ISO 8601 in
   * Asia/Ho_Chi_Minh. A version counts when received before the deadline.
   */
  submittedAt: string;
  sha256: string;
  /** The amendment in force when it was submitted (0: the text as published). */
  amendmentNumber: number;
}
