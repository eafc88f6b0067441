// The web view at /_ephemera/ in headless Chromium (Debian's /usr/bin/chromium driven by
// playwright-core) against a real emulator: invocations made after the page loaded appear live (SSE)
// with their log and leaks, environments show their state, the timeline shows INIT, INVOKE and frozen.
import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing) console.warn(`web view test skipped: ${missing}`);

// As root on a machine with no outside network: no sandbox, no background connections (see the
// machine notes); playwright gives each launch a fresh profile directory.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const WAIT = { timeout: 10_000 };

describe.skipIf(missing)('the web view', () => {
  let em: TestEmulator;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    em = await startEmulator(fixture('templates/web-view.yaml'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${em.url}/_ephemera/`, WAIT);
    await page.waitForSelector('#live[data-state="live"]', WAIT);
  }, 40_000);

  let stopped = false;
  afterAll(async () => {
    if (em && !stopped) await em.stop();
    await browser?.close();
  });

  it('lists the template\'s functions and no environment yet', async () => {
    await page.waitForSelector('#functions tr[data-function="counter"]', WAIT);
    const names = await page.$$eval('#functions tbody tr', (rows) => rows.map((r) => r.getAttribute('data-function')));
    expect(names.sort()).toEqual(['counter', 'echo', 'leaky-timeout', 'throws']);
    expect(await page.isVisible('#no-environments')).toBe(true);
    expect(await page.textContent('#server')).toMatch(/^v\d+\.\d+\.\d+ · isolation (process|namespace|cgroup)$/);
  });

  it('shows an invocation made after the page loaded, with its log, and its environment frozen', async () => {
    const res = await em.invoke('counter', {});
    expect(res.status).toBe(200);
    const rid = res.headers.get('x-amzn-requestid')!;
    const row = await page.waitForSelector(`details.invocation[data-request-id="${rid}"]`, WAIT);
    expect(await row.getAttribute('data-status')).toBe('success');
    expect(await row.textContent()).toContain('cold');
    await row.click();
    const log = await row.$eval('pre', (el) => el.textContent ?? '');
    expect(log).toContain(`START RequestId: ${rid} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`REPORT RequestId: ${rid}\\tDuration: `));

    const [env] = em.eph.internals.pool.environments().filter((e) => e.fn.config.name === 'counter');
    await page.waitForSelector(`#environments tr[data-env-id="${env.id}"][data-phase="frozen"]`, WAIT);
    expect(await page.isVisible('#no-environments')).toBe(false);
    // The live timeline has this environment's INIT, this INVOKE and the freeze after it.
    const lane = `#timeline .lane[data-env-id="${env.id}"]`;
    await page.waitForSelector(`${lane} .segment[data-phase="initializing"]`, WAIT);
    await page.waitForSelector(`${lane} .segment[data-phase="invoking"][data-request-id="${rid}"]`, WAIT);
    await page.waitForSelector(`${lane} .segment[data-phase="frozen"]`, WAIT);
    // Counters follow.
    await page.waitForSelector('#functions tr[data-function="counter"] td:nth-child(6):text-is("1")', WAIT);
  });

  it('shows a function error and a leak', async () => {
    const failed = await em.invoke('throws', {});
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    const leaked = await em.invoke('leaky-timeout', { delay: 5000 });
    const errorRow = await page.waitForSelector(`details.invocation[data-request-id="${failed.headers.get('x-amzn-requestid')}"]`, WAIT);
    expect(await errorRow.getAttribute('data-status')).toBe('error');
    const leakRid = leaked.headers.get('x-amzn-requestid')!;
    const leakRow = await page.waitForSelector(`details.invocation[data-request-id="${leakRid}"]`, WAIT);
    expect(await leakRow.textContent()).toContain('leaked: 1');
    await leakRow.click();
    expect(await leakRow.$eval('pre', (el) => el.textContent ?? '')).toContain(`LEAK RequestId: ${leakRid}`);
    // The environment table shows what the last invocation left running.
    await page.waitForSelector('#environments tbody tr td.leak:has-text("timeout at ")', WAIT);
  });

  it('invokes a function from its row', async () => {
    const before = em.lines.filter((l) => l.fn === 'echo' && l.text.startsWith('START ')).length;
    await page.click('#functions tr[data-function="echo"] button');
    const started = await waitForLine(em, before);
    const rid = /START RequestId: (\S+)/.exec(started)![1];
    await page.waitForSelector(`details.invocation[data-request-id="${rid}"][data-status="success"]`, WAIT);
  });

  it('shows queue and stream depths and the event source mappings', async () => {
    await page.waitForSelector('#queues td:text-is("orders")', WAIT);
    await page.waitForSelector('#streams td:text-is("clicks")', WAIT);
    await page.waitForSelector('#mappings td:text-is("echo")', WAIT);
    await page.waitForSelector('#mappings td:text-is("Enabled")', WAIT);
    expect(await page.textContent('#mappings')).toContain('clicks');
    expect(pageErrors).toEqual([]);
  });

  it('does not keep the emulator from stopping (its event stream is open), and says it lost the connection', async () => {
    stopped = true;
    expect(await em.stopChecked()).toEqual([]);
    await page.waitForSelector('#live[data-state="reconnecting"]', WAIT);
  });
});

async function waitForLine(em: TestEmulator, before: number): Promise<string> {
  const end = Date.now() + 10_000;
  for (;;) {
    const starts = em.lines.filter((l) => l.fn === 'echo' && l.text.startsWith('START '));
    if (starts.length > before) return starts[before].text;
    if (Date.now() > end) throw new Error('the invoke button did not invoke echo');
    await new Promise((r) => setTimeout(r, 50));
  }
}
