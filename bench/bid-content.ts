import type { ProposalContent } from '@app/proposals';

/** The i-th bid's content, the same shape and size in every bench that seeds or submits bids. */
export function bidContent(i: number): Omit<ProposalContent, 'attachments'> {
  return {
    approach: `Phương án ${i}: khảo sát hiện trạng, chuẩn hoá dữ liệu, xây dựng nền tảng dùng chung và đào tạo cán bộ.`,
    solution: `Kiến trúc vi dịch vụ, API mở, dữ liệu mở theo chuẩn quốc gia; phương án số ${i}.`,
    plan: 'Tháng 1–2: khảo sát; tháng 3–5: phát triển; tháng 6: nghiệm thu.',
    team: 'Trưởng nhóm, 2 kiến trúc sư, 6 kỹ sư, 1 chuyên gia dữ liệu',
    price: 500_000_000 + (i % 97) * 10_000_000,
    durationMonths: 3 + (i % 10),
    references: [`Dự án tham chiếu ${i % 17}`],
  };
}
