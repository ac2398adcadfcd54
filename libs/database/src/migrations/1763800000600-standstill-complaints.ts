import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vietnam's statutory days off in 2026 and 2027 (Labour Code 2019 art. 112): New Year, Tết (the
 * five working days of the Government's announced break), Hùng Kings' day, 30/4, 1/5 and National
 * Day (2/9 and the day next to it), with the compensating working day where a holiday falls on a
 * weekend. Weekends are never listed: they are always days off. An admin corrects the list through
 * the API when the Government announces the exact days (2027 is provisional).
 */
export const STATUTORY_HOLIDAYS: [string, string, string][] = [
  ['2026-01-01', 'Tết Dương lịch', 'New Year’s Day'],
  ['2026-02-16', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2026-02-17', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2026-02-18', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2026-02-19', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2026-02-20', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  [
    '2026-04-27',
    'Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch rơi vào Chủ nhật 26/4)',
    'Hùng Kings’ Commemoration (in lieu of Sunday 26 April)',
  ],
  ['2026-04-30', 'Ngày Chiến thắng', 'Reunification Day'],
  ['2026-05-01', 'Ngày Quốc tế Lao động', 'International Workers’ Day'],
  ['2026-09-01', 'Quốc khánh', 'National Day'],
  ['2026-09-02', 'Quốc khánh', 'National Day'],
  ['2027-01-01', 'Tết Dương lịch', 'New Year’s Day'],
  ['2027-02-05', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2027-02-08', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2027-02-09', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2027-02-10', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2027-02-11', 'Tết Nguyên đán', 'Lunar New Year (Tết)'],
  ['2027-04-16', 'Giỗ Tổ Hùng Vương', 'Hùng Kings’ Commemoration'],
  ['2027-04-30', 'Ngày Chiến thắng', 'Reunification Day'],
  ['2027-05-03', 'Nghỉ bù Ngày Quốc tế Lao động (1/5 rơi vào Thứ Bảy)', 'International Workers’ Day (in lieu of Saturday 1 May)'],
  ['2027-09-02', 'Quốc khánh', 'National Day'],
  ['2027-09-03', 'Quốc khánh', 'National Day'],
];

/**
 * After the award: the city calendar's holidays, the standstill period fixed at each decision, and
 * the bidders' complaints against it.
 */
export class StandstillComplaints1763800000600 implements MigrationInterface {
  name = 'StandstillComplaints1763800000600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE city_holidays (
        day date PRIMARY KEY,
        name_vi text NOT NULL CHECK (length(name_vi) BETWEEN 1 AND 200),
        name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
        -- who last changed it; no foreign key (the audit log is the record of who changed what)
        updated_by uuid NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const [day, vi, en] of STATUTORY_HOLIDAYS) {
      await q.query(`INSERT INTO city_holidays (day, name_vi, name_en) VALUES ($1, $2, $3)`, [day, vi, en]);
    }

    // One period per decision, fixed when first asked for so a later calendar edit cannot move it.
    await q.query(`
      CREATE TABLE standstill_periods (
        problem_id uuid NOT NULL REFERENCES problems (id),
        decided_at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('awarded', 'unsuccessful')),
        working_days int NOT NULL CHECK (working_days >= 0),
        ends_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (problem_id, decided_at)
      )`);

    await q.query(`
      CREATE TABLE complaints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        problem_id uuid NOT NULL REFERENCES problems (id),
        decided_at timestamptz NOT NULL,
        enterprise_id uuid NOT NULL REFERENCES enterprises (id),
        filed_by uuid NOT NULL REFERENCES users (id),
        status text NOT NULL CHECK (status IN ('submitted', 'answered', 'upheld', 'dismissed', 'withdrawn')),
        grounds text NOT NULL,
        answer text NULL,
        answered_by uuid NULL REFERENCES users (id),
        answered_at timestamptz NULL,
        remedy text NULL CHECK (remedy IN ('reevaluate', 'cancel_award')),
        decision_reason text NULL,
        decided_by uuid NULL REFERENCES users (id),
        reviewed_at timestamptz NULL,
        withdrawn_at timestamptz NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (problem_id, decided_at) REFERENCES standstill_periods (problem_id, decided_at),
        CONSTRAINT complaints_upheld_has_remedy CHECK (status <> 'upheld' OR remedy IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX complaints_problem_idx ON complaints (problem_id, submitted_at)`);
    await q.query(`CREATE INDEX complaints_status_idx ON complaints (status, submitted_at, id)`);
    // One live complaint per firm per decision; it may add to it by withdrawing and filing again.
    await q.query(`
      CREATE UNIQUE INDEX complaints_one_live_idx ON complaints (problem_id, decided_at, enterprise_id)
      WHERE status IN ('submitted', 'answered')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE complaints`);
    await q.query(`DROP TABLE standstill_periods`);
    await q.query(`DROP TABLE city_holidays`);
  }
}
