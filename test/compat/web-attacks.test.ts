// A web page cannot drive ephemera (issue 12): headless Chromium (Debian's /usr/bin/chromium with
// playwright-core) on a page of another origin (a second loopback server) tries the cross-site
// text/plain fetch that creates and invokes a function, HTML form posts of SQS query actions, an
// <img> GET of one, and a DNS-rebinding Host; each is refused (403) and nothing happens on the
// server. The same requests from ephemera's own origin succeed (the attacks are well-formed: the
// guard is what stops them), and the web view keeps working in the same browser.
import { existsSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page, type Response, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { zipOf } from '../helpers/zip.ts';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} is not installed (apt-get install chromium)`;
if (missing) console.warn(`web attack test skipped: ${missing}`);

// As test/compat/web-view.test.ts, plus a made-up name that resolves to loopback (DNS rebinding's end state).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP rebind.test 127.0.0.1'];
const WAIT = { timeout: 10_000 };
const ZIP = zipOf({ 'index.mjs': 'export const handler = async () => ({ pwned: process.getuid() });' }).toString('base64');

// Page-side code runs in Chromium; the project compiles without the DOM library: what it touches.
interface PageElement {
  name: string; value: string; method: string; action: string; src: string; href: string; textContent: string;
  append(child: PageElement): void; submit(): void; click(): void;
}
declare const document: { createElement(tag: string): PageElement; body: PageElement };

/** Runs in the page: CreateFunction then Invoke as plain text/plain POSTs (no preflight); what the page can see. */
async function createAndInvoke({ target, name, zip }: { target: string; name: string; zip: string }): Promise<string[]> {
  const post = (path: string, body: string): Promise<globalThis.Response> =>
    fetch(`${target}${path}`, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body });
  const create = await post('/2015-03-31/functions', JSON.stringify({
    FunctionName: name, Runtime: 'nodejs24.x', Handler: 'index.handler', Role: 'arn:aws:iam::000000000000:role/r', Code: { ZipFile: zip },
  }));
  const invoke = await post(`/2015-03-31/functions/${name}/invocations`, '{}');
  return [create.type, String(create.status), String(invoke.status), await invoke.text()];
}

/** Runs in the page: an HTML form post (what any page can send without script, too). */
function submitForm({ action, fields }: { action: string; fields: Record<string, string> }): void {
  const form = document.createElement('form');
  form.method = 'POST';
  form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}

describe.skipIf(missing)('web pages cannot drive ephemera', () => {
  let em: TestEmulator;
  let attacker: Server;
  let evil: string;
  let browser: Browser;
  let page: Page;
  const seen: Response[] = [];
  const failed: string[] = [];

  beforeAll(async () => {
    em = await startEmulator(fixture('templates/web-view.yaml'));
    attacker = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>cat pictures</title><body></body>'));
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    evil = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
    page = await browser.newPage();
    page.on('response', (r) => seen.push(r));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => attacker?.close(r));
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  const statusOf = (method: string, path: string): number | undefined =>
    seen.find((r) => r.request().method() === method && r.url().startsWith(`${em.url}${path}`))?.status();
  const queueDepth = (name: string): string | undefined => {
    const q = em.eph.internals.sqs.byName(name);
    return q && em.eph.internals.sqs.getAttributes(q, ['ApproximateNumberOfMessages']).ApproximateNumberOfMessages;
  };

  it('refuses the cross-site text/plain fetch that creates a function from a zip and invokes it', async () => {
    await page.goto(evil, WAIT);
    const visible = await page.evaluate(createAndInvoke, { target: em.url, name: 'pwned', zip: ZIP });
    expect(visible.slice(0, 3)).toEqual(['opaque', '0', '0']);
    await expect.poll(() => statusOf('POST', '/2015-03-31/functions/pwned/invocations'), WAIT).toBe(403);
    expect(statusOf('POST', '/2015-03-31/functions')).toBe(403);
    expect(em.eph.internals.registry.list().map((f) => f.config.name)).not.toContain('pwned');
    expect(em.lines.filter((l) => l.text.startsWith('START '))).toEqual([]);
    expect(em.pids()).toEqual([]);
  });

  it('refuses HTML form posts of SQS query actions (SendMessage, CreateQueue)', async () => {
    await page.goto(evil, WAIT);
    const [sent] = await Promise.all([
      page.waitForNavigation(WAIT),
      page.evaluate(submitForm, { action: `${em.url}/000000000000/orders`, fields: { Action: 'SendMessage', MessageBody: 'pwned' } }),
    ]);
    expect(sent?.status()).toBe(403);
    expect(await page.textContent('body')).toContain(`Refused a request from the web page at ${evil}`);
    await page.goto(evil, WAIT);
    const [created] = await Promise.all([
      page.waitForNavigation(WAIT),
      page.evaluate(submitForm, { action: `${em.url}/`, fields: { Action: 'CreateQueue', QueueName: 'pwned-queue' } }),
    ]);
    expect(created?.status()).toBe(403);
    expect(queueDepth('orders')).toBe('0');
    expect(em.eph.internals.sqs.byName('pwned-queue')).toBeUndefined();
  });

  it('refuses an <img> GET of a query action (no Origin: Sec-Fetch-Site tells)', async () => {
    await page.goto(evil, WAIT);
    await page.evaluate((src) => {
      const img = document.createElement('img');
      img.src = src;
      document.body.append(img);
    }, `${em.url}/?Action=CreateQueue&QueueName=img-queue`);
    // Chromium hides the answer from the page (opaque-response blocking of a JSON body), so no status
    // reaches playwright; the block itself says an answer came back, and the queue does not exist.
    await expect.poll(() => failed, WAIT).toContain(`${em.url}/?Action=CreateQueue&QueueName=img-queue net::ERR_BLOCKED_BY_ORB`);
    expect(em.eph.internals.sqs.byName('img-queue')).toBeUndefined();
    // The same GET from curl or an SDK (no browser headers) works: the guard, not the route, refused it.
    expect((await fetch(`${em.url}/?Action=CreateQueue&QueueName=get-queue`)).status).toBe(200);
    expect(em.eph.internals.sqs.byName('get-queue')).toBeDefined();
  });

  it('refuses a DNS-rebinding Host: the page cannot read the invocations', async () => {
    // What the page is after: the invocations' request ids and logs.
    const secret = (await em.invoke('echo', {})).headers.get('x-amzn-requestid')!;
    await expect.poll(async () => (await fetch(`${em.url}/_ephemera/invocations`)).text(), WAIT).toContain(secret);
    const port = new URL(em.url).port;
    const res = await page.goto(`http://rebind.test:${port}/_ephemera/invocations`, WAIT);
    expect(res?.status()).toBe(403);
    const body = await res!.text();
    expect(body).not.toContain(secret);
    expect(JSON.parse(body)).toMatchObject({ __type: 'AccessDeniedException', Message: expect.stringContaining('--allowed-hosts rebind.test') });
    // Script running at that origin (a rebinding page after the switch) reads nothing either.
    const read = await page.evaluate(async () => {
      const r = await fetch('/_ephemera/invocations');
      return [r.status, await r.text()] as const;
    });
    expect(read[0]).toBe(403);
    expect(read[1]).not.toContain(secret);
  });

  it('refuses the web view in a frame of another site (clickjacking)', async () => {
    await page.goto(evil, WAIT);
    const framed = page.waitForResponse((r) => r.url() === `${em.url}/_ephemera/`, WAIT);
    await page.evaluate((src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
    }, `${em.url}/_ephemera/`);
    expect((await framed).status()).toBe(403);
  });

  it('keeps the web view working (also reached by a link from another site), and the same requests from its own origin succeed', async () => {
    await page.goto(evil, WAIT);
    const [opened] = await Promise.all([
      page.waitForNavigation(WAIT),
      page.evaluate((href) => {
        const a = document.createElement('a');
        a.href = href;
        a.textContent = 'web view';
        document.body.append(a);
        a.click();
      }, `${em.url}/_ephemera/`),
    ]);
    expect(opened?.status()).toBe(200);
    await page.waitForSelector('#live[data-state="live"]', WAIT);
    const res = await em.invoke('counter', {});
    const rid = res.headers.get('x-amzn-requestid')!;
    await page.waitForSelector(`details.invocation[data-request-id="${rid}"][data-status="success"]`, WAIT);

    const visible = await page.evaluate(createAndInvoke, { target: em.url, name: 'same-origin', zip: ZIP });
    expect(visible.slice(0, 3)).toEqual(['basic', '201', '200']);
    expect(JSON.parse(visible[3])).toEqual({ pwned: process.getuid!() });
    const [created] = await Promise.all([
      page.waitForNavigation(WAIT),
      page.evaluate(submitForm, { action: `${em.url}/`, fields: { Action: 'CreateQueue', QueueName: 'same-origin-queue' } }),
    ]);
    expect(created?.status()).toBe(200);
    expect(em.eph.internals.sqs.byName('same-origin-queue')).toBeDefined();
  });
});
