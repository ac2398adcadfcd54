import { HAIPHONG_COMMUNES, HAIPHONG_DISTRICTS_2024, HAIPHONG_FORMER_UNITS } from './reference-data.generated';
import { canonicalName, UnitResolver } from './unit-resolver';

describe('UnitResolver', () => {
  const communes = new UnitResolver(HAIPHONG_COMMUNES);

  it('finds a unit by code, by name with or without accents and type word', () => {
    expect(communes.resolve('11311')).toMatchObject({ ok: true, unit: { code: '11311' }, matchedBy: 'code' });
    expect(communes.resolve('Phường Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '11311' }, matchedBy: 'name' });
    expect(communes.resolve('phuong hong bang')).toMatchObject({ ok: true, unit: { code: '11311' } });
    expect(communes.resolve('Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '11311' } });
    expect(communes.resolve('dac khu cat hai')).toMatchObject({ ok: true, unit: { code: '11914' } });
  });

  it('accepts the old tone spelling ("Thuỷ", "Hoà")', () => {
    expect(canonicalName('Thuỷ Nguyên')).toBe(canonicalName('Thủy Nguyên'));
    expect(communes.resolve('Phường Thuỷ Nguyên')).toMatchObject({ ok: true, unit: { code: '11560' }, matchedBy: 'name' });
    expect(communes.resolve('Phường Hoà Bình')).toMatchObject({ ok: true, unit: { code: '11533' } });
  });

  it('never guesses between two units that differ only by accents, and says which they are', () => {
    // Xã Cẩm Giang and Xã Cẩm Giàng: the same letters without accents.
    expect(communes.resolve('Xã Cẩm Giàng')).toMatchObject({ ok: true, unit: { code: '10903' } });
    const r = communes.resolve('xa cam giang');
    expect(r).toEqual({
      ok: false,
      problem: 'ambiguous',
      suggestions: expect.arrayContaining([
        expect.objectContaining({ code: '10888' }),
        expect.objectContaining({ code: '10903' }),
      ]),
    });
  });

  it('suggests the nearest names for an unknown unit', () => {
    const r = communes.resolve('Phường Hồng Bang X');
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ problem: 'unknown', suggestions: [expect.objectContaining({ code: '11311' })] });
    // A district is not the commune of the same name: no match, the commune suggested.
    expect(communes.resolve('Huyện Kiến Thuỵ')).toMatchObject({
      ok: false,
      suggestions: expect.arrayContaining([expect.objectContaining({ code: '11680' })]),
    });
    expect(communes.resolve('Kiến Thuỵ')).toMatchObject({ ok: true, unit: { code: '11680' } });
  });

  it('tells a district from the ward of the same name when the type word is given', () => {
    const all = new UnitResolver([...HAIPHONG_COMMUNES, ...HAIPHONG_DISTRICTS_2024]);
    expect(all.resolve('Quận Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '303' } });
    expect(all.resolve('Phường Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '11311' } });
    expect(all.resolve('Hồng Bàng')).toMatchObject({ ok: false, problem: 'ambiguous' });
  });

  it('resolves a pre-July-2025 name where it leads to one unit only, and says which units a split one went to', () => {
    const withFormer = new UnitResolver(HAIPHONG_COMMUNES, HAIPHONG_FORMER_UNITS);
    // Phường Máy Chai went wholly into Phường Ngô Quyền (NQ 1669 Điều 1 khoản 10).
    expect(withFormer.resolve('Phường Máy Chai')).toMatchObject({ ok: true, unit: { code: '11329' }, matchedBy: 'former_name' });
    expect(withFormer.resolve('may chai')).toMatchObject({ ok: true, unit: { code: '11329' } });
    expect(withFormer.resolve('Thị trấn Núi Đối')).toMatchObject({ ok: true, unit: { code: '11680' } });
    // Phường Đông Khê was split between Ngô Quyền and Gia Viên.
    expect(withFormer.resolve('Phường Đông Khê')).toEqual({
      ok: false,
      problem: 'ambiguous',
      suggestions: [expect.objectContaining({ code: '11329' }), expect.objectContaining({ code: '11359' })],
    });
    // Two former communes called Bạch Đằng (Thủy Nguyên, Kinh Môn).
    expect(withFormer.resolve('Xã Bạch Đằng')).toMatchObject({ ok: false, problem: 'ambiguous' });
    // A current name wins over a former one.
    expect(withFormer.resolve('Phường Gia Viên')).toMatchObject({ ok: true, unit: { code: '11359' }, matchedBy: 'name' });
    expect(new UnitResolver(HAIPHONG_COMMUNES).resolve('Phường Máy Chai')).toMatchObject({ ok: false, problem: 'unknown' });
  });
});
