#!/usr/bin/env node
// `npm run screenshots [-- http://localhost:3000]`: photographs each main portal page at 390 and
// 1280 px into docs/screenshots/, from a running portal (npm run demo, then npm start). Uses
// Debian's Chromium through playwright-core (CHROMIUM_PATH, default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = (process.argv[2] ?? process.env.PORTAL_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const out = path.join(ROOT, 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });

const get = async (url) => (await fetch(`${base}/api/v1${url}`)).json();
const awarded = (await get('/problems?status=awarded&limit=1')).items[0];
const open = (await get('/problems?status=published&sort=deadline&limit=1')).items[0];
const firm = (await get('/enterprises?status=verified&limit=1')).items[0];

const pages = [
  ['home', '/'],
  ['problems', '/problems?status=published'],
  ['problem-open', open && `/problems/${open.id}`],
  ['problem-awarded', awarded && `/problems/${awarded.id}`],
  ['enterprises', '/enterprises'],
  ['enterprise', firm && `/enterprises/${firm.id}`],
  ['indicators', '/indicators'],
  ['register', '/register'],
  ['sign-in', '/sign-in'],
].filter(([, p]) => p);

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const width of [390, 1280]) {
    for (const [name, url] of pages) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}${url}`, { waitUntil: 'networkidle' });
      await page.locator('h1').first().waitFor();
      const file = path.join(out, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`[screenshots] ${path.relative(ROOT, file)}`);
      await context.close();
    }
  }
} finally {
  await browser.close();
}
