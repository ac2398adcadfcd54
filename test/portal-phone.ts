import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD } from './harness';

/** The width of the phone the browser specs read the portal on. */
export const PHONE_WIDTH = 390;

/** Signs in at phone width through the portal's own form and lands on `path`. */
export async function signedInOnPhone(browser: Browser, base: string, email: string, path: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: PHONE_WIDTH, height: 844 } })).newPage();
  page.setDefaultTimeout(20_000);
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/sign-in?next=${encodeURIComponent(path)}`);
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL(`${base}${path}`);
  return page;
}

/**
 * Checks pages the way a civil servant on a phone reads them: no serious WCAG 2.1 A/AA violation
 * (axe-core) and nothing wider than the screen. With SCREENSHOTS_DIR set (e.g.
 * docs/screenshots/after) it also keeps a full-page screenshot of every page checked, numbered in
 * the order the spec visits them, under `prefix`.
 */
export function phoneReader(prefix: string): (page: Page) => Promise<void> {
  let shots = 0;
  return async (page: Page) => {
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${page.url()} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual(
      [],
    );
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect({ url: page.url(), width: width <= PHONE_WIDTH }).toEqual({ url: page.url(), width: true });
    const dir = process.env.SCREENSHOTS_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const where = new URL(page.url()).pathname
        .replace(/[0-9a-f-]{36}/g, 'id')
        .replace(/\W+/g, '-')
        .replace(/^-|-$/g, '');
      shots += 1;
      const name = `${prefix}-${String(shots).padStart(2, '0')}-${where || 'home'}-${PHONE_WIDTH}.png`;
      await page.screenshot({ path: join(dir, name), fullPage: true });
    }
  };
}
