// `npm run screenshots [-- http://localhost:3000]`: photographs each main portal page at 390 and
// 1280 px into docs/screenshots/, from a running portal (npm run demo, then npm start). Uses
// Debian's Chromium through playwright-core (CHROMIUM_PATH, default /usr/bin/chromium).
// Staff pages are taken signed in as the demo's officer, evaluator and administrator (DEMO_PASSWORD).
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..');
const base = (process.argv[2] ?? process.env.PORTAL_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const out = path.join(ROOT, 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });

interface Listed {
  items: { id: string }[];
}
const get = async (url: string): Promise<Listed> => (await fetch(`${base}/api/v1${url}`)).json() as Promise<Listed>;
async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByLabel('Mật khẩu').fill(process.env.DEMO_PASSWORD ?? 'Cau-Rao-demo-2026');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

async function main(): Promise<void> {
  const awarded = (await get('/problems?status=awarded&limit=1')).items[0];
  const open = (await get('/problems?status=published&sort=deadline&limit=1')).items[0];
  const firm = (await get('/enterprises?status=verified&limit=1')).items[0];
  // The demo's awarded problem was ordered and delivered: its order, and the catalogue entry it made.
  const order = awarded
    ? ((await (await fetch(`${base}/api/v1/problems/${awarded.id}/order`)).json()) as {
        id?: string;
        enterprise?: { id: string };
      })
    : undefined;

  const evaluating =
    (await get('/problems?status=closed&limit=1')).items[0] ?? (await get('/problems?status=evaluating&limit=1')).items[0];
  // [file name, path, demo account to sign in as (none: the public)]
  const OFFICER = 'sxd@demo.haiphong.gov.vn';
  const EVALUATOR = 'chuyengia2@demo.haiphong.gov.vn';
  const ADMIN = 'admin@demo.haiphong.local';
  const pages: [string, string | undefined, string?][] = [
    ['home', '/'],
    ['problems', '/problems?status=published'],
    ['problem-open', open && `/problems/${open.id}`],
    ['problem-awarded', awarded && `/problems/${awarded.id}`],
    ['enterprises', '/enterprises'],
    ['enterprise', firm && `/enterprises/${firm.id}`],
    ['indicators', '/indicators'],
    ['order', order?.id && `/orders/${order.id}`],
    ['catalogue', '/catalogue'],
    ['catalogue-entry', order?.id && `/catalogue/${order.id}`],
    ['firm-track-record', order?.enterprise && `/enterprises/${order.enterprise.id}`],
    ['register', '/register'],
    ['sign-in', '/sign-in'],
    ['staff-office', '/office', OFFICER],
    ['staff-editor', '/office/problems/new', OFFICER],
    ['staff-award', awarded && `/office/problems/${awarded.id}`, OFFICER],
    ['staff-evaluation-progress', evaluating && `/office/problems/${evaluating.id}`, 'snnmt@demo.haiphong.gov.vn'],
    ['staff-panels', '/evaluation', EVALUATOR],
    ['staff-scoring', evaluating && `/evaluation/${evaluating.id}`, EVALUATOR],
    ['staff-admin', '/admin', ADMIN],
    ['staff-verification', '/admin/firms', ADMIN],
    ['staff-accounts', '/admin/accounts', ADMIN],
    ['staff-audit', '/admin/audit', ADMIN],
  ];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  try {
    for (const width of [390, 1280]) {
      // One signed-in tab per account, moved between pages inside the app (no reload, so no extra
      // session refresh against the per-IP auth limit).
      const signedIn = new Map<string | undefined, Page>();
      for (const [name, url, account] of pages) {
        if (!url) continue; // that kind of problem is not in the data
        let page = signedIn.get(account);
        if (!page) {
          page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
          if (account) {
            await signIn(page, account);
            signedIn.set(account, page);
          }
        }
        if (account) {
          await page.evaluate((to: string) => {
            window.history.pushState({}, '', to);
            window.dispatchEvent(new PopStateEvent('popstate'));
          }, url);
          await page.waitForURL(`${base}${url}`);
          await page.waitForTimeout(500);
        } else {
          await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
        }
        console.log(`[screenshots] opening ${name} at ${width} px`);
        // The page and every section it loads are in (no "Đang tải…" left).
        await page.waitForFunction(
          () => document.querySelector('main h1') && !document.querySelector('main')?.textContent?.includes('Đang tải'),
          null,
          { timeout: 20_000 },
        );
        const file = path.join(out, `${name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`[screenshots] ${path.relative(ROOT, file)}`);
        if (!account) await page.context().close();
      }
      for (const page of signedIn.values()) await page.context().close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
