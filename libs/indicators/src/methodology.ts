import { BOUNDARY_CHANGE_DATE } from '@app/areas';

export const METHODOLOGY_LANGUAGES = ['vi', 'en'] as const;
export type MethodologyLanguage = (typeof METHODOLOGY_LANGUAGES)[number];

export interface MethodologySection {
  key: string;
  heading: string;
  body: string[];
}

export interface MethodologyView {
  language: MethodologyLanguage;
  title: string;
  target: number;
  boundaryChangeDate: string;
  sections: MethodologySection[];
  /** The population figures recorded for the city boundaries, with their sources (live). */
  cityPopulations: { areaCode: string; name: string; value: number; asOf: string; source: string }[];
  endpoints: Record<string, string>;
}

/** The language asked for: ?lang wins, then the first Accept-Language tag we have; Vietnamese by default. */
export function methodologyLanguage(lang: string | undefined, acceptLanguage: string | undefined): MethodologyLanguage {
  if (lang === 'en' || lang === 'vi') return lang;
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const code = tag.trim().slice(0, 2).toLowerCase();
    if (code === 'vi' || code === 'en') return code;
  }
  return 'vi';
}

type Texts = { title: string; sections: MethodologySection[] };

const d = BOUNDARY_CHANGE_DATE;

const TEXTS: Record<MethodologyLanguage, (target: number) => Texts> = {
  vi: (target) => ({
    title: 'Phương pháp tính chỉ số mật độ doanh nghiệp công nghệ số',
    sections: [
      {
        key: 'what',
        heading: 'Chỉ số đo gì',
        body: [
          'Số doanh nghiệp công nghệ số đang hoạt động có trụ sở chính trên địa bàn, tính trên 1.000 dân của địa bàn đó.',
          `Mục tiêu của thành phố (Kế hoạch 106/KH-UBND): trên ${target} doanh nghiệp/1.000 dân vào cuối năm 2025; mục tiêu quốc gia 1/1.000 dân vào năm 2030.`,
        ],
      },
      {
        key: 'counted',
        heading: 'Doanh nghiệp nào được đếm',
        body: [
          'Doanh nghiệp đã được xác minh: hoặc tự đăng ký trên nền tảng và được quản trị viên xác minh, hoặc có trong danh sách chính thức của thành phố do quản trị viên nhập (ghi "đã xác minh (nhập từ danh sách)").',
          'Không đếm doanh nghiệp đang chờ xác minh, bị từ chối, tạm ngừng hoặc đã chấm dứt hoạt động. Không ai nhập tay tử số.',
        ],
      },
      {
        key: 'dates',
        heading: 'Đếm từ ngày nào',
        body: [
          'Mỗi doanh nghiệp được đếm từ ngày bắt đầu hoạt động công nghệ số: ngày thành lập, hoặc ngày muộn hơn nếu có căn cứ; cho đến ngày tạm ngừng hoặc chấm dứt hoạt động (ngày đó không còn được đếm).',
          'Việc xác minh, nhập danh sách và nhận lại hồ sơ có thể ghi lùi ngày về ngày bắt đầu hoạt động. Riêng việc chuyển trụ sở hoặc đổi lĩnh vực không được ghi lùi trước lần thay đổi gần nhất, để doanh nghiệp không bị đếm sai địa bàn.',
        ],
      },
      {
        key: 'boundaries',
        heading: 'Địa giới hành chính',
        body: [
          `Trước ngày ${d}, thành phố là Hải Phòng cũ gồm 15 đơn vị cấp huyện; từ ngày ${d}, thành phố Hải Phòng (sáp nhập tỉnh Hải Dương, Nghị quyết 202/2025/QH15) gồm 114 đơn vị cấp xã (Nghị quyết 1669/NQ-UBTVQH15).`,
          'Trụ sở doanh nghiệp được ghi theo đơn vị cấp xã năm 2025. Số liệu của một ngày trước khi sáp nhập chỉ đếm các đơn vị được hình thành từ địa bàn Hải Phòng cũ (theo từng khoản Điều 1 Nghị quyết 1669), chia cho dân số của Hải Phòng cũ; kết quả luôn nêu rõ địa giới đã dùng.',
        ],
      },
      {
        key: 'population',
        heading: 'Dân số (mẫu số)',
        body: [
          'Dân số là số liệu tham chiếu có ngày và nguồn, do quản trị viên nhập hoặc sửa. Với mỗi ngày, dùng số liệu gần nhất có ngày không muộn hơn ngày đó; nếu chỉ có số liệu muộn hơn thì dùng số sớm nhất và nêu ngày của nó.',
          'Không dùng dân số của thành phố sau sáp nhập cho Hải Phòng cũ. Địa bàn chưa có số liệu dân số chỉ hiện số doanh nghiệp, không tính mật độ.',
        ],
      },
      {
        key: 'vintages',
        heading: 'Tính tái lập và điều chỉnh',
        body: [
          'Mọi con số đều tính được "tại ngày" (asOf: điều đúng vào ngày đó) và "theo hiểu biết tại thời điểm" (knownAt: những gì nền tảng đã ghi nhận đến lúc đó). Ví dụ asOf=2025-12-31&knownAt=2026-01-15 cho đúng con số đã hiển thị ngày 15/01/2026, kể cả sau khi một lần nhập sau bổ sung dữ liệu năm 2025.',
          'Mặc định là hiểu biết mới nhất. Khi con số khác với con số đã công bố lần đầu (cuối ngày asOf), kết quả ghi "đã điều chỉnh", ngày điều chỉnh và giá trị sau mỗi lần; không có thay đổi âm thầm.',
        ],
      },
      {
        key: 'sources',
        heading: 'Nguồn dữ liệu',
        body: [
          'Danh mục đơn vị hành chính: Nghị quyết 1669/NQ-UBTVQH15, Công văn 1027/CTK-CSCL (mã đơn vị), danh mục ngày 01/03/2025 cho 15 đơn vị cấp huyện cũ.',
          'Doanh nghiệp: sổ đăng ký của nền tảng và các danh sách chính thức đã nhập (mỗi lần nhập được ghi nhật ký kiểm toán kèm mã SHA-256 của tệp và nguồn).',
        ],
      },
    ],
  }),
  en: (target) => ({
    title: 'How the digital-technology enterprise density is computed',
    sections: [
      {
        key: 'what',
        heading: 'What it measures',
        body: [
          'Active digital-technology enterprises with their head office in an area, per 1,000 population of that area.',
          `City target (Plan 106/KH-UBND): above ${target} per 1,000 population by the end of 2025; national target 1 per 1,000 by 2030.`,
        ],
      },
      {
        key: 'counted',
        heading: 'Which firms count',
        body: [
          'Verified firms: registered on the platform and verified by an admin, or on the city\'s official list imported by an admin (shown as "verified (imported)").',
          'Pending, rejected, suspended and ceased firms do not count. Nobody types the numerator by hand.',
        ],
      },
      {
        key: 'dates',
        heading: 'From which dates',
        body: [
          'A firm counts from the day its digital-technology activity began: its founding date, or a later stated date with evidence; until it is suspended or ceases (it no longer counts on that day).',
          'Verification, import and claiming may be dated back to that start. Moves of head office and sector changes may not be dated before the latest such change, so a firm is never counted in the wrong place.',
        ],
      },
      {
        key: 'boundaries',
        heading: 'Boundaries',
        body: [
          `Before ${d} the city was the old Hai Phong of 15 district-level units; from ${d} it is Hai Phong merged with Hải Dương (NQ 202/2025/QH15), 114 commune-level units (NQ 1669/NQ-UBTVQH15).`,
          "Head offices are recorded in 2025 commune-level units. A figure for a date before the merger counts only the units formed from the old city's territory (per item of NQ 1669 Article 1), against the old city's population; every answer states the boundary it used.",
        ],
      },
      {
        key: 'population',
        heading: 'Population (the denominator)',
        body: [
          'Population figures are reference data with an as-of date and a source, entered or corrected by admins. For a date, the latest figure dated on or before it is used; if all are later, the earliest, and its date is shown.',
          "The merged city's figure is never used for the old city. An area without a figure shows its count and no density.",
        ],
      },
      {
        key: 'vintages',
        heading: 'Vintages and revisions',
        body: [
          'Every figure can be asked "as of" a date (what was true then) and "as known at" a time (what the platform had recorded by then): asOf=2025-12-31&knownAt=2026-01-15 returns exactly what was shown on 15 January 2026, even after a later import backfilled 2025.',
          'The default is the latest knowledge. When it differs from the figure first shown (at the end of the asOf day), the answer says it was revised, when, and the value after each revision; nothing changes silently.',
        ],
      },
      {
        key: 'sources',
        heading: 'Sources',
        body: [
          'Administrative units: NQ 1669/NQ-UBTVQH15, CV 1027/CTK-CSCL (codes), the list of 01/03/2025 for the 15 former district-level units.',
          "Firms: the platform's registry and the official lists imported (each import is in the audit log with its file's SHA-256 and stated source).",
        ],
      },
    ],
  }),
};

export function methodologyTexts(language: MethodologyLanguage, target: number): Texts {
  return TEXTS[language](target);
}
