import { HAIPHONG_COMMUNES, HAIPHONG_DISTRICTS_2024 } from './reference-data.generated';
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
    expect(communes.resolve('Huyện Kiến Thuỵ')).toMatchObject({ ok: true }); // type word dropped: the commune of the same name
  });

  it('tells a district from the ward of the same name when the type word is given', () => {
    const all = new UnitResolver([...HAIPHONG_COMMUNES, ...HAIPHONG_DISTRICTS_2024]);
    expect(all.resolve('Quận Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '303' } });
    expect(all.resolve('Phường Hồng Bàng')).toMatchObject({ ok: true, unit: { code: '11311' } });
    expect(all.resolve('Hồng Bàng')).toMatchObject({ ok: false, problem: 'ambiguous' });
  });
});
