// CORS in a real browser (Debian's /usr/bin/chromium through playwright-core): a page on another
// origin calls an HTTP API and a function URL with requests that need a preflight; the configured
// origin gets through (and reads an exposed header), another origin is refused by the browser.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/emulator.ts';
import { type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';

/** A response's JSON body, untyped (the tests read events field by field). */
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing) console.warn(`front door CORS test skipped: ${missing}`);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Calls `url` from the page with a non-simple request (a custom header forces a preflight). */
const call = ([url, init]: [string, RequestInit]): Promise<{ ok: boolean; status?: number; handler?: string | null; body?: string; error?: string }> =>
  fetch(url, init).then(async (r) => ({ ok: true, status: r.status, handler: r.headers.get('x-handler'), body: await r.text() }), (e: Error) => ({ ok: false, error: e.message }));

describe.skipIf(missing)('CORS in Chromium', () => {
  let page: Server;
  let pagePort: number;
  let em: FrontDoorEmulator;
  let browser: Browser;
  let lambda: LambdaClient;
  let origin: string;

  beforeAll(async () => {
    page = createServer((_req, res) => res.end('<!doctype html><title>page</title>'));
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
    pagePort = (page.address() as AddressInfo).port;
    origin = `http://app.localhost:${pagePort}`;
    em = await startFrontDoor(fixture('templates/front-door.yaml'), { parameterOverrides: { PageOrigin: origin } });
    lambda = new LambdaClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    lambda?.destroy();
    await new Promise((r) => page?.close(r));
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  const from = async (pageOrigin: string, url: string, init: RequestInit) => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${pageOrigin}/`);
      return await tab.evaluate(call as never, [url, init]) as Awaited<ReturnType<typeof call>>;
    } finally {
      await tab.close();
    }
  };

  it('an HTTP API: the configured origin passes the preflight and reads exposed headers; another origin is refused', async () => {
    const url = `${em.apiHost('WebApi')}users/5`;
    const init = { method: 'PUT', headers: { 'x-token': 'anything', 'content-type': 'application/json' }, body: '{}' };
    const res = await from(origin, url.replace('/users/5', '/v1/x'), init);
    expect(res).toMatchObject({ ok: true, status: 200, handler: 'http-app' });
    expect(JSON.parse(res.body!).event.httpMethod).toBe('PUT');
    const refused = await from(`http://evil.localhost:${pagePort}`, url, init);
    expect(refused).toMatchObject({ ok: false, error: 'Failed to fetch' });
  });

  it('a function URL created through the API with Cors: the page calls it with a preflighted POST', async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({
      FunctionName: 'http-app', AuthType: 'NONE', Cors: { AllowOrigins: [origin], AllowMethods: ['POST'], AllowHeaders: ['content-type'], ExposeHeaders: ['x-handler'] },
    }));
    const res = await from(origin, `${created.FunctionUrl}orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' });
    expect(res).toMatchObject({ ok: true, status: 200, handler: 'http-app' });
    expect(JSON.parse(res.body!).event).toMatchObject({ rawPath: '/orders', body: '{"n":1}' });
    const refused = await from(`http://evil.localhost:${pagePort}`, `${created.FunctionUrl}orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.ok).toBe(false);
  });

  it('the web view lists HTTP requests with method, path, status and the invocation they ran', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${em.url}/_ephemera/`);
      await tab.waitForSelector('#live[data-state="live"]', { timeout: 10_000 });
      // One request made while the page is open arrives live.
      const res = await fetch(`${em.api('WebApi')}users/99?live=1`);
      const invocation = (await json(res)).requestId as string;
      const row = await tab.waitForSelector(`#http-requests tr[data-invocation-id="${invocation}"]`, { timeout: 10_000 });
      expect((await row.textContent())!).toMatch(/WebApi.*GET.*\/iu2ds3oj4v\/users\/99\?live=1.*200.*GET \/users\/\{id\}/);
      await tab.click(`#http-requests tr[data-invocation-id="${invocation}"] a`);
      await tab.waitForSelector(`details.invocation[data-request-id="${invocation}"][open]`, { timeout: 10_000 });
      // Earlier requests (loaded with the page) include the refused-by-authorizer kind, without an invocation.
      expect(await tab.$$eval('#http-requests tbody tr', (rows) => rows.length)).toBeGreaterThan(2);
    } finally {
      await tab.close();
    }
  });
});
