// A streamed page in a real browser (Debian's /usr/bin/chromium through playwright-core): a RESPONSE_STREAM
// function URL sends the first part of its HTML, then waits on a gate; Chromium renders that part while the
// handler still runs, and the rest once the test opens the gate.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/emulator.ts';
import { type Gate, startGate } from '../helpers/gate.ts';
import { type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing) console.warn(`streamed page test skipped: ${missing}`);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.skipIf(missing)('a streamed page in Chromium', () => {
  let em: FrontDoorEmulator;
  let browser: Browser;
  let gate: Gate;

  beforeAll(async () => {
    gate = await startGate();
    em = await startFrontDoor(fixture('templates/streaming.yaml'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await gate?.close();
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  it('renders the first part while the handler waits, the second once it goes on', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${em.functionUrl('page')}?gate=${encodeURIComponent(gate.url)}`, { waitUntil: 'commit' });
      await tab.waitForSelector('#first', { timeout: 10_000 });
      // The handler is parked on the gate: the page shows its first part, not yet its second.
      expect(await tab.locator('#second').count()).toBe(0);
      await gate.open();
      await tab.waitForSelector('#second', { timeout: 10_000 });
      expect(await tab.textContent('body')).toContain('first partsecond part');
    } finally {
      await tab.close();
    }
  });
});
