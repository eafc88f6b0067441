// Source paths under every isolation level: stack traces (ESM, CommonJS, TypeScript through its
// source map), leak locations and the --debug inspector's script URLs all name the file on the host
// (what the user's editor opens), while the function itself still sees /var/task under namespace
// isolation, as on Lambda.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IsolationLevel } from '../../server/environment/isolation.ts';
import { fixture, isolationLevels, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

const TEMPLATE = fixture('templates/source-paths.yaml');
const JS_DIR = fixture('functions/source-paths');
const TS_DIR = fixture('functions/ts-throws');
/** `line:col` (1-based) of the first `needle` in a fixture file. */
function at(file: string, needle: string): string {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  return `${i + 1}:${lines[i].indexOf(needle) + 1}`;
}
const tail = (res: { headers: Headers }): string[] => Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString().split('\n');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * The inspector's script URLs (Debugger.scriptParsed), the source maps' sources of the scripts that
 * have one, and where a breakpoint set by URL (as an editor sets it: `breakAt`, 1-based line) resolved.
 */
async function inspectorScripts(port: number, breakAt?: { url: string; line: number }): Promise<{ urls: string[]; mapSources: string[]; resolved: unknown[] }> {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  const urls: string[] = [];
  const mapSources: string[] = [];
  let resolved: unknown[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      ws.onerror = () => reject(new Error('inspector WebSocket failed'));
      ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: 'Debugger.enable' }));
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { id?: number; method?: string; params?: { url: string; sourceMapURL?: string }; result?: { locations?: unknown[] } };
        if (msg.method === 'Debugger.scriptParsed' && msg.params) {
          urls.push(msg.params.url);
          const map = msg.params.sourceMapURL ?? '';
          if (map.startsWith('data:application/json;base64,')) {
            mapSources.push(...(JSON.parse(Buffer.from(map.slice(29), 'base64').toString()) as { sources: string[] }).sources);
          }
        }
        // The scripts already loaded are announced before the answer.
        if (msg.id === 1 && breakAt) ws.send(JSON.stringify({ id: 2, method: 'Debugger.setBreakpointByUrl', params: { url: breakAt.url, lineNumber: breakAt.line - 1 } }));
        else if (msg.id === 1) resolve();
        if (msg.id === 2) {
          resolved = msg.result?.locations ?? [];
          resolve();
        }
      };
    });
  } finally {
    ws.close();
  }
  return { urls, mapSources, resolved };
}

describe.each(isolationLevels())('source paths (%s isolation)', (isolation: IsolationLevel) => {
  let em: TestEmulator;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    em = await startEmulator(TEMPLATE, { isolation, debug: 'source-paths', debugPort: port });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it('JavaScript traces (ESM and CommonJS) and the leak location name the host file; the code still sees where it runs', async () => {
    const res = await em.invoke('source-paths', {}, { headers: { 'X-Amz-Log-Type': 'Tail' } });
    const out = res.json() as { esm: string; cjs: string; url: string; filename: string };
    const esm = join(JS_DIR, 'index.mjs');
    const cjs = join(JS_DIR, 'helper.cjs');
    expect(out.esm).toBe(`    at handler (${pathToFileURL(esm).href}:${at(esm, "new Error('esm')")})`);
    expect(out.cjs).toBe(`    at exports.frame (${cjs}:${at(cjs, "new Error('cjs')")})`);
    const runsFrom = isolation === 'process' ? JS_DIR : '/var/task';
    expect(out.url).toBe(pathToFileURL(join(runsFrom, 'index.mjs')).href);
    expect(out.filename).toBe(join(runsFrom, 'helper.cjs'));
    const leak = tail(res).find((l) => l.startsWith('LEAK'));
    expect(leak).toContain(`timeout at ${esm}:${at(esm, 'setTimeout(')} (setTimeout 50 ms)`);
  });

  it("a TypeScript error's trace names the .ts files on the host", async () => {
    const res = await em.invoke('ts-throws', { why: 'paths' });
    const { trace } = res.json() as { trace: string[] };
    expect(trace[1]).toBe(`    at fail (${join(TS_DIR, 'thrower.ts')}:9:9)`);
    expect(trace[2]).toMatch(new RegExp(`^    at (Object\\.|Module\\.)?handler \\(${join(TS_DIR, 'app.ts')}:7:\\d+\\)$`));
  });

  it("the inspector's script URLs are the host's files (no /var/task), and an editor's breakpoint binds", async () => {
    await em.invoke('source-paths', {}); // warm: the debugged environment is up, its modules loaded
    const index = pathToFileURL(join(JS_DIR, 'index.mjs')).href;
    const { urls, resolved } = await inspectorScripts(port, { url: index, line: 9 });
    expect(urls).toContain(index);
    expect(resolved).toHaveLength(1); // a breakpoint set on the host file binds to the running code
    expect(urls.some((u) => u.endsWith(`${JS_DIR}/helper.cjs`))).toBe(true);
    expect(urls.filter((u) => u.includes('/var/task'))).toEqual([]);
  });
});

describe.each(isolationLevels())('source paths of a debugged TypeScript function (%s isolation)', (isolation: IsolationLevel) => {
  let em: TestEmulator;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    em = await startEmulator(TEMPLATE, { isolation, debug: 'ts-throws', debugPort: port });
  });
  afterAll(async () => {
    expect(await em.stopChecked()).toEqual([]);
  });

  it("the bundle's source map gives the debugger the .ts files by their host URLs", async () => {
    await em.invoke('ts-throws', {});
    const { mapSources } = await inspectorScripts(port);
    expect(mapSources).toContain(pathToFileURL(join(TS_DIR, 'thrower.ts')).href);
    expect(mapSources).toContain(pathToFileURL(join(TS_DIR, 'app.ts')).href);
  });
});
