import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotRoom, startMatrixHomeserver, type MatrixHomeserver, type RunningBot } from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';

// The /status page in a real headless Chromium (Debian's `chromium`, installed by
// scripts/test-setup.mjs) against the example bot as a process. Set STATUS_SCREENSHOT to a
// path to save the page (deploy/status-page.png was made that way).
const STATUS_TOKEN = 'status-page-token-8d1f0c2b7a';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let hs: MatrixHomeserver;
let dataDir: string;
let bot: RunningBot;
let browser: Browser;

beforeAll(async () => {
  hs = await startMatrixHomeserver();
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-status-'));
  const alice = hs.human('alice', 'Alice');
  const room = createBotRoom(hs, { owner: alice, name: 'reports' }).roomId;
  bot = await startMatrixStatsBot({
    MATRIX_HOMESERVER_URL: hs.url,
    MATRIX_ACCESS_TOKEN: hs.bot.token,
    MATRIX_REPORT_ROOM_ID: room,
    DATA_DIR: dataDir,
    TZ: 'Europe/Berlin',
    STATUS_TOKEN,
    UMAMI_API_URL: 'http://127.0.0.1:9',
    UMAMI_USERNAME: 'alice@example.org',
    UMAMI_PASSWORD: 'umami-password-secret',
  });
  // A command answered and an upstream that failed, so the page has something to show.
  await hs.waitForReply(alice.say(room, '!help'));
  await hs.waitForReply(alice.say(room, '!stats'));
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: run "node scripts/test-setup.mjs" (or as root: apt-get install -y chromium)`,
    );
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bot?.terminate('SIGKILL');
  await hs?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('/status in headless Chromium', { timeout: 60_000 }, () => {
  it('is refused without the token: the login form, no status', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${bot.url}/status`);
    expect(response?.status()).toBe(401);
    expect(await page.locator('form input[name="token"]').count()).toBe(1);
    expect(await page.locator('h2').count()).toBe(0);
    await page.fill('input[name="token"]', 'not-the-status-token');
    await page.click('button[type="submit"]');
    expect(await page.locator('[role="alert"]').textContent()).toBe('Wrong token.');
    await page.close();
  });

  it('signs in through the form and shows the adapter, the next scheduled run and upstream health, with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${bot.url}/status`);
    await page.fill('input[name="token"]', STATUS_TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${bot.url}/status`);
    expect(await page.locator('h1').textContent()).toBe('matrix-stats-bot');
    const adapters = page.locator('h2:text("Adapters") + table');
    expect(await adapters.locator('tbody tr td').first().textContent()).toBe('matrix');
    expect(await adapters.locator('tbody tr td').nth(1).textContent()).toBe('connected');
    const schedules = page.locator('h2:text("Schedules") + table tbody');
    expect(await schedules.textContent()).toMatch(/daily.*0 9 \* \* \*.*Europe\/Berlin/s);
    // The next run, at 09:00 in the bot's zone.
    expect(await schedules.locator('tr').first().locator('td').nth(2).textContent()).toMatch(/, 09:00:00$/);
    expect(await page.locator('h2:text("Upstream health") + table').textContent()).toMatch(/umami/);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'stats_status', httpOnly: true, sameSite: 'Strict' })]);
    const html = await page.content();
    for (const secret of [STATUS_TOKEN, hs.bot.token, 'umami-password-secret', 'alice@example.org', '@alice:'])
      expect(html).not.toContain(secret);
    if (process.env['STATUS_SCREENSHOT'])
      await page.screenshot({ path: process.env['STATUS_SCREENSHOT'], fullPage: true });
    await context.close();
  });

  it('cannot be framed and runs no script', async () => {
    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${STATUS_TOKEN}` } });
    const response = await page.goto(`${bot.url}/status`);
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(await page.locator('script').count()).toBe(0);
    await page.close();
  });
});
