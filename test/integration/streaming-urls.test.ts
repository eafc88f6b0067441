// Function URLs with InvokeMode RESPONSE_STREAM, real worker processes streaming (fixtures/functions/streaming)
// to curl and to undici (Node's fetch): the HTTP prelude's status, headers and cookies, the body arriving while
// the handler still runs, a mid-stream failure cutting the transfer short, a handler that does not stream.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type FrontDoorEmulator, startFrontDoor } from '../helpers/front-door.ts';
import { fixture } from '../helpers/emulator.ts';
import { type Gate, startGate } from '../helpers/gate.ts';

let em: FrontDoorEmulator;
let gate: Gate;

beforeAll(async () => {
  em = await startFrontDoor(fixture('templates/streaming.yaml'));
  gate = await startGate();
}, 30_000);
afterAll(async () => {
  await gate.close();
  expect(await em.stopChecked()).toEqual([]);
});

/** curl's exit code and output (18: the transfer ended before the last chunk). */
function curlExit(url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-s', '--max-time', '20', url], (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, body: stdout }));
  });
}

describe('function URLs in RESPONSE_STREAM mode', () => {
  it('curl: the prelude gives status, headers and cookies; the body follows it', async () => {
    const res = await curl([`${em.functionUrl('http-stream')}missing`]);
    expect(res.status).toBe(404);
    expect(res.headers['x-handler']).toEqual(['streaming']);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['transfer-encoding']).toEqual(['chunked']);
    expect(res.headers['x-amzn-requestid']).toHaveLength(1);
    expect(res.body).toBe('path /missing;done');
  });

  it('undici reads the first bytes while the handler waits, the rest once it goes on', async () => {
    const res = await fetch(`${em.functionUrl('http-stream')}live?gate=${encodeURIComponent(gate.url)}`);
    expect([res.status, res.headers.get('content-type')]).toEqual([201, 'text/plain']);
    const reader = res.body!.getReader();
    const first = await reader.read();
    // The handler is parked on the gate: these bytes were sent before it finished.
    expect(Buffer.from(first.value!).toString()).toBe('path /live;');
    await gate.open();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += Buffer.from(next.value).toString();
    expect(rest).toBe('done');
  });

  it('a mid-stream error cuts the transfer short: curl exits 18, fetch fails reading, after the bytes sent', async () => {
    const cut = await curlExit(em.functionUrl('fails-url'));
    expect(cut).toEqual({ code: 18, body: 'partial;' });
    const res = await fetch(em.functionUrl('fails-url'));
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/plain']);
    await expect(res.text()).rejects.toThrow();
  });

  it('a handler that does not stream: its raw result, uninterpreted', async () => {
    const res = await curl([em.functionUrl('plain')]);
    expect([res.status, res.body]).toEqual([200, '{"statusCode":202,"body":"plain"}']);
  });

  it('a streamified handler behind a BUFFERED URL: its buffered bytes are no 2.0 response, so 502', async () => {
    const res = await curl([`${em.functionUrl('http-buffered')}b`]);
    expect([res.status, res.body]).toEqual([502, 'Internal Server Error']);
  });
});
