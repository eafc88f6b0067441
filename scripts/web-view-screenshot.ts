// Makes docs/web-view.png (the README's screenshot): an emulator on the web view fixture, a few
// seconds of invocations (cold, warm, concurrent, an error, a leak), the page in headless Chromium.
// Usage: node scripts/web-view-screenshot.ts [out.png]
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { buildApp } from '../server/app.ts';
import { silentSink } from '../server/environment/function-log.ts';
import { DEFAULTS } from '../server/options.ts';

const ROOT = join(fileURLToPath(import.meta.url), '../..');
const out = resolve(process.argv[2] ?? join(ROOT, 'docs/web-view.png'));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const eph = buildApp({ ...DEFAULTS, template: join(ROOT, 'fixtures/templates/web-view.yaml') }, { output: silentSink, logger: pino({ level: 'silent' }) });
await eph.app.listen({ port: 0, host: '127.0.0.1' });
const { port } = eph.app.server.address() as { port: number };
const base = `http://127.0.0.1:${port}`;
const invoke = (fn: string, payload: unknown = {}): Promise<Response> =>
  fetch(`${base}/2015-03-31/functions/${fn}/invocations`, { method: 'POST', body: JSON.stringify(payload) });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(`${base}/_ephemera/?window=10`);
  await page.waitForSelector('#live[data-state="live"]');
  await invoke('counter');
  for (let i = 0; i < 3; i++) {
    await sleep(400);
    await invoke('counter');
  }
  await Promise.all([invoke('echo', { hello: 'one' }), invoke('echo', { hello: 'two' })]);
  await sleep(300);
  await invoke('throws');
  await invoke('leaky-timeout', { delay: 600 });
  await sleep(900);
  await invoke('leaky-timeout', { delay: 600 });
  await sleep(500);
  await invoke('counter');
  // Three orders waiting in the queue (SQS's JSON protocol on the same port).
  for (let i = 1; i <= 3; i++) {
    await fetch(base, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: JSON.stringify({ QueueUrl: `${base}/000000000000/orders`, MessageBody: `{"order":${i}}` }),
    });
  }
  await sleep(5500); // queues, streams and mappings refresh every 5 s
  const first = await page.$('details.invocation:nth-child(2)');
  await first?.click();
  await sleep(300);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await eph.close();
}
