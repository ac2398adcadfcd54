#!/usr/bin/env node
// `npm run bench:render [-- http://localhost:3000]`: how soon the problem list shows its first
// results on a cold load, in Debian's Chromium with the CPU throttled 4× (CDP
// Emulation.setCPUThrottlingRate), against a running portal (npm run demo, then npm start).
// Budget: 1 s. Writes bench/results/portal-render.{json,md}; exits 1 over budget.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const base = (process.argv[2] ?? process.env.PORTAL_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
const RUNS = Number(process.env.RUNS ?? 5);
const BUDGET_MS = 1000;

// Records, inside the page, the moment the first result card is in the DOM.
const probe = () => {
  new MutationObserver((_, observer) => {
    if (document.querySelector('ul.cards li')) {
      window.__firstResults = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const times = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.addInitScript(probe);
    await page.goto(`${base}/problems?status=published`);
    await page.waitForFunction(() => window.__firstResults !== undefined, null, { timeout: 30_000 });
    times.push(Math.round(await page.evaluate(() => window.__firstResults)));
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const result = { url: `${base}/problems?status=published`, cpuThrottling: 4, runs: times, medianMs: median, budgetMs: BUDGET_MS };
const dir = path.join(ROOT, 'bench', 'results');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'portal-render.json'), `${JSON.stringify(result, null, 2)}\n`);
fs.writeFileSync(
  path.join(dir, 'portal-render.md'),
  `# Problem list: first results on a cold load, CPU throttled 4×\n\nMedian of ${RUNS} runs: **${median} ms** (budget ${BUDGET_MS} ms; runs: ${times.join(', ')} ms), from navigation start to the first result card in the DOM, against the demo data.\n`,
);
console.log(`[bench] problem list first results, 4× CPU: median ${median} ms (runs ${times.join(', ')}; budget ${BUDGET_MS} ms)`);
if (median > BUDGET_MS) process.exit(1);
