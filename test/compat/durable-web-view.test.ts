// Durable executions in the web view (headless Chromium through playwright-core, against a real
// emulator): an execution whose replay ran in another environment shows its operations with status
// and timings, and each invocation with the environment that ran it.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionDetail, fireTimers, linkNodeModules } from '../helpers/durable.ts';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing) console.warn(`durable web view test skipped: ${missing}`);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WAIT = { timeout: 15_000 };

describe.skipIf(missing)('durable executions in the web view', () => {
  let em: TestEmulator;
  let browser: Browser;

  beforeAll(async () => {
    linkNodeModules(fixture('functions', 'durable'));
    em = await startEmulator(fixture('templates', 'durable.yaml'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  it('shows the operations and which environment ran each invocation', async () => {
    const res = await em.invoke('module-state:$LATEST', {}, { headers: { 'X-Amz-Invocation-Type': 'Event' } });
    const arn = res.headers.get('x-amz-durable-execution-arn')!;
    await waitFor(async () => (await executionDetail(em.url, arn)).invocations.some((i) => i.outcome === 'PENDING'), 20_000, 50);
    await fetch(`${em.url}/_ephemera/functions/module-state/recycle`, { method: 'POST' });
    await fireTimers(em.url, { execution: arn });
    const done = await waitFor(async () => {
      const d = await executionDetail(em.url, arn);
      return d.status === 'SUCCEEDED' && d;
    }, 20_000, 50);

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${em.url}/_ephemera/`, WAIT);
    const id = arn.split('/').pop()!;
    const row = await page.waitForSelector(`details.durable[data-execution="${id}"][data-status="SUCCEEDED"]`, WAIT);
    expect(await row.textContent()).toContain('2 invocations · 2 environments');
    // A locator, not the row's handle: the list is re-rendered as it refreshes (open rows stay open).
    await page.locator(`details.durable[data-execution="${id}"] > summary`).click();
    await page.waitForSelector(`details.durable[data-execution="${id}"] table.durable-operations tr[data-operation="pause"][data-status="SUCCEEDED"]`, WAIT);
    const envs = await page.$$eval(`details.durable[data-execution="${id}"] table.durable-invocations tbody tr`, (rows) => rows.map((r) => r.getAttribute('data-environment')));
    expect(envs).toEqual(done.invocations.map((i) => i.environment));
    expect(await page.textContent(`details.durable[data-execution="${id}"] table.durable-invocations`)).toContain('(another environment)');
    if (process.env.EPHEMERA_SCREENSHOT) await page.screenshot({ path: process.env.EPHEMERA_SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
