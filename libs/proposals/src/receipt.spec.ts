import { createHash } from 'node:crypto';
import { decrypt, newProblemKeyPair, openWithPrivateKey, randomKey } from './crypto/crypto-envelope';
import { ProposalContent, receiptSha256 } from './receipt';
import { sealVersion, versionAad } from './sealed-content';

const content: ProposalContent = {
  approach: 'Tiếp cận',
  solution: 'Giải pháp',
  plan: 'Kế hoạch',
  team: 'Đội ngũ',
  price: 1_500_000_000,
  durationMonths: 6,
  references: ['Dự án A', { title: 'Dự án B', url: 'https://example.vn/b' }],
  attachments: [{ id: '6f1c1a52-0d4e-4b0e-9a53-2f7b8f0f9c11', sha256: 'a'.repeat(64) }],
};

describe('receipt hash', () => {
  it('is SHA-256 over the canonical JSON written out by hand (keys sorted, no whitespace)', () => {
    const expected =
      '{"approach":"Tiếp cận","attachments":[{"id":"6f1c1a52-0d4e-4b0e-9a53-2f7b8f0f9c11","sha256":"' +
      'a'.repeat(64) +
      '"}],"durationMonths":6,"plan":"Kế hoạch","price":1500000000,' +
      '"references":["Dự án A",{"title":"Dự án B","url":"https://example.vn/b"}],"solution":"Giải pháp","team":"Đội ngũ"}';
    expect(receiptSha256(content)).toBe(createHash('sha256').update(expected, 'utf8').digest('hex'));
  });

  it('does not depend on key order, and changes with any field', () => {
    const reordered = Object.fromEntries(Object.entries(content).reverse()) as unknown as ProposalContent;
    expect(Object.keys(reordered)[0]).toBe('attachments');
    expect(receiptSha256(reordered)).toBe(receiptSha256(content));
    expect(receiptSha256({ ...content, price: content.price + 1 })).not.toBe(receiptSha256(content));
    expect(receiptSha256({ ...content, attachments: [{ ...content.attachments[0]!, sha256: 'b'.repeat(64) }] })).not.toBe(
      receiptSha256(content),
    );
  });

  it('is the hash of exactly what a version seals (the department opens bytes with that receipt)', () => {
    const problemKey = newProblemKeyPair();
    const proposalId = '0b7c1a52-0d4e-4b0e-9a53-2f7b8f0f9c11';
    const sealed = sealVersion({ problemPublicKey: problemKey.publicKey, bidderKey: randomKey() }, proposalId, 2, content);
    expect(sealed.sha256).toBe(receiptSha256(content));
    const aad = versionAad(proposalId, 2);
    const opened = decrypt(openWithPrivateKey(problemKey, sealed.keyForProblem, aad), sealed, `${aad}#0`);
    expect(createHash('sha256').update(opened).digest('hex')).toBe(sealed.sha256);
  });
});
