import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODULE_PATH, readReferenceData, renderReferenceModule } from '../scripts/reference-data';
import {
  HAIPHONG_CITY,
  HAIPHONG_COMMUNES,
  HAIPHONG_DISTRICTS_2024,
  HAIPHONG_OLD_CITY,
  REFERENCE_POPULATIONS,
} from './reference-data.generated';

// ../shared/data is beside the checkout on development machines and in CI; not inside the repo.
const SHARED_DATA = join(__dirname, '..', '..', '..', '..', 'shared', 'data');

describe('reference data', () => {
  it('the generated module is exactly what the CSVs in libs/areas/data produce', () => {
    // If this fails after editing a CSV: npx ts-node libs/areas/scripts/reference-data.ts
    expect(readFileSync(MODULE_PATH, 'utf8')).toBe(renderReferenceModule(readReferenceData()));
  });

  (existsSync(join(SHARED_DATA, 'haiphong-communes-2025.csv')) ? it : it.skip)('matches the shared reference data', () => {
    expect(readReferenceData(SHARED_DATA)).toEqual(readReferenceData());
  });

  it('holds the 114 commune-level units of Hai Phong since 1 July 2025 under the city', () => {
    expect(HAIPHONG_COMMUNES).toHaveLength(114);
    const byType = (t: string) => HAIPHONG_COMMUNES.filter((a) => a.unitType === t).length;
    expect([byType('ward'), byType('commune'), byType('special_zone')]).toEqual([45, 67, 2]);
    expect(new Set(HAIPHONG_COMMUNES.map((a) => a.code)).size).toBe(114);
    expect(
      HAIPHONG_COMMUNES.every((a) => a.parentCode === '31' && /^\d{5}$/.test(a.code) && a.name === a.name.normalize('NFC')),
    ).toBe(true);
    expect(HAIPHONG_COMMUNES.map((a) => a.name)).toEqual(
      expect.arrayContaining(['Phường Hồng Bàng', 'Đặc khu Cát Hải', 'Đặc khu Bạch Long Vĩ']),
    );
  });

  it('records which units lay in the old city (NQ 1669 Điều 1), and the 15 districts in force until 30 June 2025', () => {
    const inOldCity = HAIPHONG_COMMUNES.filter((a) => a.formerParentCode === HAIPHONG_OLD_CITY.code);
    expect(inOldCity).toHaveLength(50);
    expect(HAIPHONG_COMMUNES.filter((a) => a.formerParentCode === null)).toHaveLength(64);
    expect(inOldCity.map((a) => a.name)).toEqual(
      expect.arrayContaining(['Phường Hồng Bàng', 'Đặc khu Bạch Long Vĩ', 'Xã Vĩnh Bảo']),
    );
    expect(HAIPHONG_COMMUNES.find((a) => a.name === 'Phường Hải Dương')?.formerParentCode).toBeNull();
    expect(
      HAIPHONG_COMMUNES.every((a) => a.validFrom === '2025-07-01' && a.validTo === null && /khoản \d+/.test(a.basis ?? '')),
    ).toBe(true);
    expect(HAIPHONG_DISTRICTS_2024).toHaveLength(15);
    expect(HAIPHONG_DISTRICTS_2024.every((d) => d.parentCode === '31-2024' && d.validTo === '2025-06-30')).toBe(true);
    expect(HAIPHONG_OLD_CITY).toMatchObject({ validTo: '2025-06-30', unitType: 'city' });
    expect(HAIPHONG_CITY).toMatchObject({ validFrom: '2025-07-01', validTo: null });
  });

  it('has the city with its dated, sourced population and no invented per-unit figures', () => {
    expect(HAIPHONG_CITY).toMatchObject({ code: '31', name: 'Thành phố Hải Phòng', unitType: 'city', parentCode: null });
    expect(REFERENCE_POPULATIONS).toEqual([
      { areaCode: '31', value: 4_664_124, asOf: '2024-12-31', source: expect.stringContaining('202/2025/QH15') },
    ]);
  });
});
