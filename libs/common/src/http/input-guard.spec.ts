import { checkJsonShape, findUnstorableText, isStorableText } from './input-guard';

describe('checkJsonShape', () => {
  it('passes ordinary bodies, brackets and commas inside strings included', () => {
    expect(checkJsonShape(JSON.stringify({ a: [1, 2, { b: '[[[,,,]]]' }], c: 'say \\"[\\" then ,' }))).toBeNull();
  });

  it('stops at the first level past the limit', () => {
    expect(checkJsonShape('['.repeat(33) + ']'.repeat(33))).toBe('depth');
    expect(checkJsonShape('['.repeat(32) + ']'.repeat(32))).toBeNull();
    expect(checkJsonShape('['.repeat(1_000_000))).toBe('depth');
  });

  it('counts the items of each array or object separately', () => {
    expect(checkJsonShape(JSON.stringify(Array(1000).fill(0)))).toBeNull();
    expect(checkJsonShape(JSON.stringify(Array(1001).fill(0)))).toBe('items');
    expect(checkJsonShape(JSON.stringify([Array(999).fill(0), Array(999).fill(0)]))).toBeNull();
  });
});

describe('storable text', () => {
  it('refuses NUL and unpaired surrogates, keeps every real character', () => {
    expect(isStorableText('Hải Phòng 🔐 \u{1F600}')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('x\ud800')).toBe(false);
    expect(isStorableText('\udc00x')).toBe(false);
  });

  it('names the first bad field, keys included', () => {
    expect(findUnstorableText({ a: 'ok', b: [{ c: 'x\u0000' }] })).toBe('b[0].c');
    expect(findUnstorableText({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(findUnstorableText({ a: ['fine', 1, null] })).toBeNull();
  });
});
