// Who made an async resource, from its creating frames (runtime-api/bootstrap/nodejs/call-sites.mjs):
// the function's code, a dependency, or Node's API acting for its caller.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emulator.ts';

interface Frame {
  getScriptNameOrSourceURL(): string;
  getFileName(): string;
  getLineNumber(): number;
  getColumnNumber(): number;
}
const sites = (await import(pathToFileURL(join(ROOT, 'runtime-api/bootstrap/nodejs/call-sites.mjs')).href)) as {
  frameOwner(file: string, runtimeDir: string, libraryDirs: string[]): string;
  classify(frames: Frame[], isPromise: boolean, runtimeDir: string, libraryDirs: string[]): { creator: string; site?: string };
};
const RUNTIME = '/var/runtime/';
const frame = (file: string, line = 1, column = 1): Frame => ({
  getScriptNameOrSourceURL: () => file, getFileName: () => file, getLineNumber: () => line, getColumnNumber: () => column,
});

describe('frameOwner', () => {
  it.each([
    ['node:internal/timers', 'node'],
    ['node:timers/promises', 'node'],
    ['node:net', 'node'],
    ['node:internal/child_process', 'node'],
    ['node:internal/fs/watchers', 'node'],
    ['node:internal/async_hooks', 'node'],
    ['node:internal/promise_hooks', 'node'], // the runner of several promise init hooks
    ['node:_http_agent', 'library'],
    ['node:internal/abort_controller', 'library'],
    ['node:internal/deps/undici/undici', 'library'],
    ['/var/runtime/runtime.mjs', 'runtime'],
    ['/var/task/node_modules/@smithy/node-http-handler/dist-cjs/index.js', 'library'],
    ['/opt/nodejs/node_modules/mini-pg/index.js', 'library'],
    ['/opt/nodejs/lib/shared.js', 'library'],
    ['/var/task/index.mjs', 'user'],
    ['/home/me/app/src/handler.ts', 'user'],
    ['evalmachine.<anonymous>', 'node'],
  ])('%s → %s', (file, owner) => {
    expect(sites.frameOwner(file, RUNTIME, ['/opt/'])).toBe(owner);
  });
});

describe('classify', () => {
  it('setTimeout called by the function: made by the function, at its line', () => {
    const frames = [frame('node:internal/timers'), frame('node:timers'), frame('file:///var/task/index.mjs', 4, 9), frame('/var/runtime/runtime.mjs')];
    expect(sites.classify(frames, false, RUNTIME, ['/opt/'])).toEqual({ creator: 'user', site: '/var/task/index.mjs:4:9' });
  });

  it("AbortSignal.timeout's timer: Node's own, placed at the function's call", () => {
    const frames = [frame('node:internal/timers'), frame('node:internal/abort_controller'), frame('/var/task/index.mjs', 2, 40)];
    expect(sites.classify(frames, false, RUNTIME, ['/opt/'])).toEqual({ creator: 'library', site: '/var/task/index.mjs:2:40' });
  });

  it("a promise made by an SDK's code, called from the handler: a library call at the handler's line", () => {
    const frames = [frame('node:internal/async_hooks'), frame('/x/node_modules/@smithy/smithy-client/dist-cjs/index.js', 80), frame('/var/task/app.mjs', 8, 7)];
    expect(sites.classify(frames, true, RUNTIME, ['/opt/'])).toEqual({ creator: 'library', site: '/var/task/app.mjs:8:7' });
  });

  it("a promise made by Node's fs for the function is a library call too", () => {
    const frames = [frame('node:internal/async_hooks'), frame('node:internal/fs/promises'), frame('/var/task/app.mjs', 3, 1)];
    expect(sites.classify(frames, true, RUNTIME, ['/opt/']).creator).toBe('library');
  });

  it("the function's own await: its promise", () => {
    const frames = [frame('node:internal/async_hooks'), frame('/var/task/app.mjs', 5, 3)];
    expect(sites.classify(frames, true, RUNTIME, ['/opt/'])).toEqual({ creator: 'user', site: '/var/task/app.mjs:5:3' });
  });

  it("the function's own promise under the promise hooks' runner (another init hook installed): its own", () => {
    const frames = [frame('node:internal/promise_hooks', 31), frame('/var/task/app.mjs', 11, 9)];
    expect(sites.classify(frames, true, RUNTIME, ['/opt/'])).toEqual({ creator: 'user', site: '/var/task/app.mjs:11:9' });
  });

  it('no frame of the function before the runtime: a library resource with no site', () => {
    const frames = [frame('node:internal/deps/undici/undici'), frame('/var/runtime/runtime.mjs'), frame('/var/task/index.mjs')];
    expect(sites.classify(frames, false, RUNTIME, ['/opt/'])).toEqual({ creator: 'library', site: undefined });
  });
});
