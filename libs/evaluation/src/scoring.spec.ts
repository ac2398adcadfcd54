import { rankProposals, weightedTotal } from './scoring';

const criteria = [
  { key: 'technical', weight: 50 },
  { key: 'team', weight: 30 },
  { key: 'price', weight: 20 },
];
const all = (n: number) => ({ technical: n, team: n, price: n });

describe('weightedTotal', () => {
  it('weights each 0–10 score into a 0–100 total', () => {
    expect(weightedTotal(criteria, { technical: 8, team: 6, price: 10 })).toBe(40 + 18 + 20);
    expect(weightedTotal(criteria, all(10))).toBe(100);
  });

  it('refuses a missing or out-of-range score', () => {
    expect(() => weightedTotal(criteria, { technical: 8, team: 6 })).toThrow(/price/);
    expect(() => weightedTotal(criteria, { technical: 11, team: 6, price: 1 })).toThrow(/technical/);
  });
});

describe('rankProposals', () => {
  const at = (s: string) => new Date(`2026-03-01T${s}Z`);

  it('ranks by average, leaves those under the pass mark unranked', () => {
    const ranked = rankProposals(
      criteria,
      60,
      [
        {
          proposalId: 'low',
          price: 100,
          submittedAt: at('01:00:00'),
          evaluations: [
            { evaluatorId: 'e1', scores: all(5) },
            { evaluatorId: 'e2', scores: all(5) },
          ],
        },
        {
          proposalId: 'best',
          price: 300,
          submittedAt: at('02:00:00'),
          evaluations: [
            { evaluatorId: 'e1', scores: all(9) },
            { evaluatorId: 'e2', scores: all(8) },
          ],
        },
        {
          proposalId: 'good',
          price: 200,
          submittedAt: at('03:00:00'),
          evaluations: [
            { evaluatorId: 'e1', scores: all(7) },
            { evaluatorId: 'e2', scores: all(7) },
          ],
        },
      ],
      20,
    );
    expect(ranked.map((r) => [r.proposalId, r.rank, r.finalScore])).toEqual([
      ['best', 1, 85],
      ['good', 2, 70],
      ['low', null, 50],
    ]);
    expect(ranked[2]!.passed).toBe(false);
  });

  it('breaks ties by lower price, then by earlier submission', () => {
    const same = [{ evaluatorId: 'e1', scores: all(8) }];
    const ranked = rankProposals(
      criteria,
      50,
      [
        { proposalId: 'late-cheap', price: 100, submittedAt: at('05:00:00'), evaluations: same },
        { proposalId: 'dear', price: 200, submittedAt: at('01:00:00'), evaluations: same },
        { proposalId: 'early-cheap', price: 100, submittedAt: at('02:00:00'), evaluations: same },
      ],
      20,
    );
    expect(ranked.map((r) => r.proposalId)).toEqual(['early-cheap', 'late-cheap', 'dear']);
  });

  it('flags wide disagreement and lets a consensus score decide', () => {
    const ranked = rankProposals(
      criteria,
      50,
      [
        {
          proposalId: 'split',
          price: 100,
          submittedAt: at('01:00:00'),
          evaluations: [
            { evaluatorId: 'e1', scores: all(9) },
            { evaluatorId: 'e2', scores: all(5) },
          ],
          consensus: { score: 72, reason: 'Panel agreed after discussion' },
        },
        {
          proposalId: 'steady',
          price: 100,
          submittedAt: at('02:00:00'),
          evaluations: [
            { evaluatorId: 'e1', scores: all(7) },
            { evaluatorId: 'e2', scores: all(7) },
          ],
        },
      ],
      20,
    );
    expect(ranked[0]).toMatchObject({
      proposalId: 'split',
      average: 70,
      spread: 40,
      disagreement: true,
      finalScore: 72,
      rank: 1,
    });
    expect(ranked[1]).toMatchObject({ proposalId: 'steady', disagreement: false, rank: 2 });
  });
});
