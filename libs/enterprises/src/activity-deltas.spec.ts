import { footprintDeltas, footprintMove, netDeltas } from './activity-deltas';

describe('activity deltas', () => {
  it('counts an active firm once in its area and once in each sector', () => {
    expect(footprintDeltas({ areaCode: '11560', sectors: ['ict', 'health'] }, 1)).toEqual([
      { dimension: 'area', key: '11560', delta: 1 },
      { dimension: 'sector', key: 'ict', delta: 1 },
      { dimension: 'sector', key: 'health', delta: 1 },
    ]);
    expect(footprintDeltas({ areaCode: '11560', sectors: ['ict'] }, -1)).toEqual([
      { dimension: 'area', key: '11560', delta: -1 },
      { dimension: 'sector', key: 'ict', delta: -1 },
    ]);
  });

  it('moves only what changed when an active firm edits its area or sectors', () => {
    const moves = footprintMove(
      { areaCode: '11560', sectors: ['ict', 'health'] },
      { areaCode: '11557', sectors: ['ict', 'education'] },
    );
    expect(moves).toEqual(
      expect.arrayContaining([
        { dimension: 'area', key: '11560', delta: -1 },
        { dimension: 'area', key: '11557', delta: 1 },
        { dimension: 'sector', key: 'health', delta: -1 },
        { dimension: 'sector', key: 'education', delta: 1 },
      ]),
    );
    expect(moves).toHaveLength(4); // ict stays: no row for it
    expect(footprintMove({ areaCode: '1', sectors: ['ict', 'health'] }, { areaCode: '1', sectors: ['health', 'ict'] })).toEqual(
      [],
    );
  });

  it('sums duplicates so one upsert never touches a row twice', () => {
    expect(
      netDeltas([
        { dimension: 'sector', key: 'ict', delta: 1 },
        { dimension: 'sector', key: 'ict', delta: 1 },
        { dimension: 'area', key: 'ict', delta: -1 }, // same key, other dimension: kept apart
      ]),
    ).toEqual([
      { dimension: 'sector', key: 'ict', delta: 2 },
      { dimension: 'area', key: 'ict', delta: -1 },
    ]);
  });
});
