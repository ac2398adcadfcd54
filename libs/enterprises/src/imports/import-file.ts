import { checkTableFile, readTableRows, TableFormat, TableRow } from '@app/common';

export type ImportFormat = TableFormat;

/** The columns an import understands, each with the headers (accents and case ignored) that name it. */
export const IMPORT_COLUMNS = {
  taxCode: ['tax_code', 'taxcode', 'mst', 'ma_so_thue', 'ma_so_doanh_nghiep'],
  legalName: ['legal_name', 'name', 'ten', 'ten_doanh_nghiep', 'ten_day_du'],
  address: ['address', 'dia_chi', 'dia_chi_tru_so', 'tru_so'],
  unit: ['unit', 'unit_code', 'unit_name', 'area', 'area_code', 'xa_phuong', 'phuong_xa', 'don_vi_hanh_chinh', 'ma_xa', 'dvhc'],
  sectors: ['sectors', 'sector', 'linh_vuc', 'nganh', 'nganh_nghe'],
  foundedOn: ['founded_on', 'founding_date', 'ngay_thanh_lap'],
  activityStartedOn: [
    'activity_started_on',
    'activity_start',
    'digital_activity_started_on',
    'ngay_bat_dau_hoat_dong_cong_nghe_so',
    'ngay_bat_dau_hoat_dong_cntt',
    'ngay_bat_dau_hoat_dong',
  ],
  activityEvidence: ['activity_evidence', 'evidence', 'can_cu', 'minh_chung'],
  status: ['status', 'operating_status', 'trang_thai', 'tinh_trang_hoat_dong'],
  statusDate: ['status_date', 'status_since', 'ngay_trang_thai', 'ngay_tam_ngung_cham_dut'],
  source: ['source', 'nguon', 'nguon_du_lieu'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;
export const REQUIRED_COLUMNS: readonly ImportColumn[] = ['taxCode', 'legalName', 'address', 'unit'];

export type FileRow = TableRow<ImportColumn>;

export const readImportRows = (format: ImportFormat, bytes: Buffer) =>
  readTableRows(format, bytes, IMPORT_COLUMNS, REQUIRED_COLUMNS);
export const checkImportFile = (format: ImportFormat, bytes: Buffer) =>
  checkTableFile(format, bytes, IMPORT_COLUMNS, REQUIRED_COLUMNS);

/** Counts the data rows (a streaming pass), so progress can say "n of N". */
export async function countImportRows(format: ImportFormat, bytes: Buffer): Promise<number> {
  let rows = 0;
  for await (const _row of readImportRows(format, bytes)) rows++;
  return rows;
}
