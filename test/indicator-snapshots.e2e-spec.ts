import { ActivitySnapshotsService, applyActivityDeltas, footprintDeltas } from '@app/enterprises';
import { startApp, TestContext } from './harness';
import { vnToday } from './enterprise-fixtures';

/**
 * The indicator answers from monthly snapshots plus the deltas not yet folded into them. Whatever
 * was folded when, with writes racing the fold, back-dated changes and revisions recorded later,
 * every answer must equal the full recomputation: the sum of every delta dated up to the day and
 * recorded up to the knowledge cut.
 */
describe('indicator snapshots agree with the full recomputation', () => {
  let ctx: TestContext;
  let snapshots: ActivitySnapshotsService;
  let oldUnits: string[];
  let newUnits: string[];
  const today = vnToday();
  const SECTORS = ['ict', 'software', 'fintech', 'logistics'];

  // Deterministic pseudo-random numbers (mulberry32): every run makes the same registry.
  let seed = 15_003;
  const random = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const dayMs = 86_400_000;
  const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * dayMs).toISOString().slice(0, 10);
  const daysAgo = (n: number) => addDays(today, -n);

  const density = async (q: string) => (await ctx.http.get(`/api/v1/indicators/enterprise-density${q}`).expect(200)).body;
  const pending = async () =>
    Number(
      (
        await ctx.dataSource.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM enterprise_activity_deltas WHERE delta <> folded_delta`,
        )
      )[0]!.n,
    );

  /** The full recomputation: every delta dated up to asOf and recorded up to the cut, per key. */
  async function recompute(dimension: 'area' | 'sector', asOf: string, cut: string | null): Promise<Map<string, number>> {
    const rows = await ctx.dataSource.query<{ key: string; n: number }[]>(
      `SELECT key, SUM(delta)::int AS n FROM enterprise_activity_deltas
       WHERE dimension = $1 AND day <= $2::date AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz)
       GROUP BY key`,
      [dimension, asOf, cut],
    );
    return new Map(rows.map((r) => [r.key, r.n]));
  }

  /** A firm written as the registry writes it, but recorded at a stated (past) instant. */
  async function recordedFirm(area: string, sectors: string[], from: string, to: string | null, recordedAt: Date[]) {
    const rows = [
      ...footprintDeltas({ areaCode: area, sectors }, 1).map((d) => ({ ...d, day: from, at: recordedAt[0] })),
      ...(to ? footprintDeltas({ areaCode: area, sectors }, -1).map((d) => ({ ...d, day: to, at: recordedAt[1] })) : []),
    ];
    for (const r of rows) {
      await ctx.dataSource.query(
        `INSERT INTO enterprise_activity_deltas (dimension, key, day, delta, recorded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (dimension, key, day, recorded_at) DO UPDATE SET delta = enterprise_activity_deltas.delta + EXCLUDED.delta`,
        [r.dimension, r.key, r.day, r.delta, r.at],
      );
    }
  }

  const ASKED_DAYS = () => [
    today,
    daysAgo(1),
    `${today.slice(0, 7)}-01`,
    daysAgo(40),
    '2025-07-01',
    '2025-06-30',
    '2025-06-15',
    '2024-12-31',
    '2024-02-29',
    '2023-01-01',
  ];
  /** Whole days and instants; `midDay` is set to an instant inside a day on which back-dated rows were recorded. */
  let midDay: string | undefined;
  const CUTS = () => [undefined, daysAgo(3), '2025-08-20', '2024-06-30T12:00:00+07:00', midDay];

  /** Every asked day and knowledge cut: the API's city, areas and sectors equal the recomputation. */
  async function expectAgreement(label: string) {
    let compared = 0;
    for (const asOf of ASKED_DAYS()) {
      for (const knownAt of CUTS()) {
        const q = `?asOf=${asOf}${knownAt ? `&knownAt=${encodeURIComponent(knownAt)}` : ''}&groupBy=sector`;
        const body = await density(q);
        const cut: string | null = knownAt ? (knownAt.length === 10 ? `${knownAt}T23:59:59.999+07:00` : knownAt) : null;
        const areas = await recompute('area', asOf, cut);
        const got = Object.fromEntries(
          (body.areas as { areaCode: string; enterprises: number }[]).map((a) => [a.areaCode, a.enterprises]),
        );
        const want = Object.fromEntries(Object.keys(got).map((code) => [code, areas.get(code) ?? 0]));
        expect({ label, q, areas: got }).toEqual({ label, q, areas: want });
        const cityWant = Object.values(want).reduce((s, n) => s + n, 0);
        expect({ label, q, city: body.city.enterprises }).toEqual({ label, q, city: cityWant });
        if (body.sectors) {
          const sectors = await recompute('sector', asOf, cut);
          for (const s of body.sectors as { sector: string; enterprises: number }[]) {
            expect({ label, q, sector: s.sector, n: s.enterprises }).toEqual({
              label,
              q,
              sector: s.sector,
              n: sectors.get(s.sector) ?? 0,
            });
          }
        }
        // The vintage: the figure first published for asOf is the recomputation as known at its end.
        if (body.vintage.firstPublishedEnterprises !== null) {
          const first = await recompute('area', asOf, `${asOf}T23:59:59.999+07:00`);
          const units = Object.keys(got);
          expect({ label, q, first: body.vintage.firstPublishedEnterprises }).toEqual({
            label,
            q,
            first: units.reduce((s, code) => s + (first.get(code) ?? 0), 0),
          });
        }
        // Each revision is the recomputation as known at the end of the day it was recorded.
        for (const r of (body.vintage.revisions as { recordedOn: string; enterprises: number }[]).slice(-3)) {
          const then = await recompute('area', asOf, `${r.recordedOn}T23:59:59.999+07:00`);
          expect({ label, q, revision: r }).toEqual({
            label,
            q,
            revision: { ...r, enterprises: Object.keys(got).reduce((s, code) => s + (then.get(code) ?? 0), 0) },
          });
        }
        compared += 1;
      }
    }
    // The monthly series equals the snapshot of each month's end, as known at the same cut.
    for (const knownAt of [undefined, daysAgo(3)]) {
      const from = `${daysAgo(400).slice(0, 7)}`;
      const series = (
        await ctx.http
          .get(
            `/api/v1/indicators/enterprise-density/series?from=${from}&to=${today.slice(0, 7)}${knownAt ? `&knownAt=${knownAt}` : ''}`,
          )
          .expect(200)
      ).body as { items: { asOf: string; enterprises: number }[] };
      for (const item of series.items.filter((_, i) => i % 3 === 0 || i === series.items.length - 1)) {
        const snap = await density(`?asOf=${item.asOf}${knownAt ? `&knownAt=${knownAt}` : ''}`);
        expect({ label, month: item.asOf, knownAt, n: item.enterprises }).toEqual({
          label,
          month: item.asOf,
          knownAt,
          n: snap.city.enterprises,
        });
      }
    }
    expect(compared).toBeGreaterThan(20);
  }

  beforeAll(async () => {
    ctx = await startApp();
    snapshots = ctx.app.get(ActivitySnapshotsService);
    oldUnits = ((await density('?asOf=2025-06-30')).areas as { areaCode: string }[]).map((a) => a.areaCode);
    newUnits = ((await density(`?asOf=${today}`)).areas as { areaCode: string }[]).map((a) => a.areaCode);
  });
  afterAll(() => ctx.close());

  it('history recorded over time, some of it back-dated, answers the same before and after folding', async () => {
    // 160 firms over four years: counted from a start day, some stop later; most recorded within a
    // few days, a quarter back-dated by months (revisions of figures already published).
    for (let i = 0; i < 160; i++) {
      const start = daysAgo(5 + Math.floor(random() * 1400));
      const area = start < '2025-07-01' ? pick(oldUnits) : pick(newUnits);
      const sectors = [...new Set([pick(SECTORS), pick(SECTORS)])];
      const stop = random() < 0.3 ? addDays(start, 1 + Math.floor(random() * 300)) : null;
      const end = stop && stop <= daysAgo(1) ? stop : null;
      const lag = (day: string) => {
        const late = random() < 0.25 ? 30 + Math.floor(random() * 200) : Math.floor(random() * 3);
        const at = Date.parse(`${day}T09:00:00+07:00`) + late * dayMs + Math.floor(random() * 10 * 3600_000);
        return new Date(Math.min(at, Date.now() - 60_000));
      };
      const first = lag(start);
      const second = end ? new Date(Math.max(first.getTime(), lag(end).getTime())) : first;
      await recordedFirm(area, sectors, start, end, [first, second]);
    }
    // An instant in the middle of the recordings of back-dated rows: part of that day known, part not.
    const late = await ctx.dataSource.query<{ at: Date }[]>(
      `SELECT recorded_at AS at FROM enterprise_activity_deltas
       WHERE (recorded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date > day + 20 ORDER BY recorded_at`,
    );
    expect(late.length).toBeGreaterThan(10);
    midDay = new Date(late[Math.floor(late.length / 2)]!.at.getTime() + 1).toISOString();
    await expectAgreement('nothing folded');
    expect(await snapshots.fold()).toBeGreaterThan(100);
    expect(await pending()).toBe(0);
    await expectAgreement('all folded');
  });

  it('writes racing the fold, back-dated, and a write into an already folded row, still agree', async () => {
    // 60 registry transactions (each a firm counted from a back-dated day, some stopped) at once,
    // with folds running between and during them.
    const writes = Array.from({ length: 60 }, (_, i) => async () => {
      const start = daysAgo(1 + Math.floor(random() * 900));
      const area = start < '2025-07-01' ? pick(oldUnits) : pick(newUnits);
      const footprint = { areaCode: area, sectors: [pick(SECTORS)] };
      const end = i % 4 === 0 ? addDays(start, 1 + Math.floor(random() * 60)) : null;
      await ctx.dataSource.transaction(async (m) => {
        await applyActivityDeltas(m, start, footprintDeltas(footprint, 1));
        await m.query('SELECT pg_sleep(0.01)');
        if (end && end <= today) await applyActivityDeltas(m, end, footprintDeltas(footprint, -1));
      });
    });
    let folding = true;
    const folds = (async () => {
      let rounds = 0;
      while (folding) {
        await snapshots.fold();
        rounds += 1;
      }
      return rounds;
    })();
    for (let i = 0; i < writes.length; i += 12) await Promise.all(writes.slice(i, i + 12).map((w) => w()));
    folding = false;
    expect(await folds).toBeGreaterThan(1);
    await expectAgreement('raced'); // the last writes may have committed after the last fold: pending
    await snapshots.fold();
    expect(await pending()).toBe(0);

    // Two transactions that began in the same microsecond share a delta row: the second adds to a
    // row the fold has already taken. Only the added part is pending, and it is counted once.
    const [row] = await ctx.dataSource.query<{ dimension: string; key: string; day: string; recorded_at: Date }[]>(
      `SELECT dimension, key, day::text AS day, recorded_at FROM enterprise_activity_deltas
       WHERE dimension = 'area' AND delta = folded_delta AND day < $1::date ORDER BY day LIMIT 1`,
      [daysAgo(100)],
    );
    await ctx.dataSource.query(
      `INSERT INTO enterprise_activity_deltas (dimension, key, day, delta, recorded_at) VALUES ($1, $2, $3, 2, $4)
       ON CONFLICT (dimension, key, day, recorded_at) DO UPDATE SET delta = enterprise_activity_deltas.delta + EXCLUDED.delta`,
      [row!.dimension, row!.key, row!.day, row!.recorded_at],
    );
    expect(await pending()).toBe(1);
    await expectAgreement('added to a folded row');
    expect(await snapshots.fold()).toBe(1);
    expect(await pending()).toBe(0);
    await expectAgreement('refolded');

    // The months hold exactly the deltas: per key, their sum is the sum of every delta.
    const drift = await ctx.dataSource.query(
      `SELECT d.dimension, d.key FROM (SELECT dimension, key, SUM(delta) AS n FROM enterprise_activity_deltas GROUP BY 1, 2) d
       FULL JOIN (SELECT dimension, key, SUM(delta) AS n, max(enterprises) FILTER (WHERE month = last) AS running
                  FROM (SELECT *, max(month) OVER (PARTITION BY dimension, key) AS last FROM enterprise_activity_months) x
                  GROUP BY 1, 2) m USING (dimension, key)
       WHERE d.n IS DISTINCT FROM m.n OR m.n IS DISTINCT FROM m.running`,
    );
    expect(drift).toEqual([]);
  });
});
