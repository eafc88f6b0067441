// The Node runtime client's leak rules (runtime-api/bootstrap/nodejs/leak-rules.mjs), table-driven:
// what a resource left by an invocation is (a leak, nothing, or part of an unawaited call), and the
// report's entries.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/emulator.ts';

interface Resource {
  kind: string;
  creator: 'user' | 'library';
  site?: string;
  origin?: string;
  ref?: boolean;
  stdio?: boolean;
  agent?: 'idle' | 'busy';
  accepted?: boolean;
  writing?: boolean;
  detail?: string;
}
interface Entry {
  kind: string;
  count: number;
  createdAt: string | null;
  detail: string;
}
const rules = (await import(pathToFileURL(join(ROOT, 'runtime-api/bootstrap/nodejs/leak-rules.mjs')).href)) as {
  verdict(r: Resource, pendingSites: Set<string>): 'leak' | 'ignore' | 'fold';
  leakEntries(resources: Resource[], calls: Array<{ site: string; awaited: boolean }>): Entry[];
};

const CALL = '/app/index.mjs:7:3';
const pending = new Set([CALL]);
const none = new Set<string>();

describe('verdict', () => {
  const cases: Array<[string, Resource, Set<string>, 'leak' | 'ignore' | 'fold']> = [
    ['stdout, even made in the handler', { kind: 'socket', creator: 'user', stdio: true, ref: true }, none, 'ignore'],
    ['a server the function started', { kind: 'server', creator: 'user', ref: true }, none, 'leak'],
    ['a server a library started', { kind: 'server', creator: 'library', ref: true }, none, 'leak'],
    ['a child process', { kind: 'child-process', creator: 'user', ref: true }, none, 'leak'],
    ['a file watcher', { kind: 'file-watcher', creator: 'library', ref: false }, none, 'leak'],
    ['a socket idle in a node:http Agent (the AWS SDK keep-alive socket)', { kind: 'socket', creator: 'library', agent: 'idle', ref: false }, none, 'ignore'],
    ['an Agent socket idle, even while another call is pending', { kind: 'socket', creator: 'library', agent: 'idle', origin: CALL }, pending, 'ignore'],
    ['an Agent socket with a request attached, no call pending (callback API)', { kind: 'socket', creator: 'user', agent: 'busy', ref: true }, none, 'leak'],
    ['an Agent socket with a request of an unawaited call', { kind: 'socket', creator: 'library', agent: 'busy', origin: CALL }, pending, 'fold'],
    ["a server's accepted connection", { kind: 'socket', creator: 'user', accepted: true, ref: true }, none, 'leak'],
    ['a socket the function opened and left open', { kind: 'socket', creator: 'user', ref: true }, none, 'leak'],
    ['a socket the function opened, unref\'d at rest (its own pool)', { kind: 'socket', creator: 'user', ref: false }, none, 'ignore'],
    ['a socket the function opened, unref\'d but still writing', { kind: 'socket', creator: 'user', ref: false, writing: true }, none, 'leak'],
    ["a library's socket at rest (undici, a database pool)", { kind: 'socket', creator: 'library', ref: true, origin: CALL }, none, 'ignore'],
    ["a library's socket still connecting, no call pending", { kind: 'socket', creator: 'library', ref: true, writing: true }, none, 'leak'],
    ["a library's socket of a pending call", { kind: 'socket', creator: 'library', ref: true, origin: CALL }, pending, 'fold'],
    ['a timer the function set', { kind: 'timeout', creator: 'user', ref: true }, none, 'leak'],
    ['an interval the function set, unref\'d', { kind: 'interval', creator: 'user', ref: false }, none, 'leak'],
    ['setImmediate from the function', { kind: 'immediate', creator: 'user', ref: true }, none, 'leak'],
    ["a pool's idle timer after its call finished", { kind: 'timeout', creator: 'library', ref: true, origin: CALL }, none, 'ignore'],
    ['AbortSignal.timeout after the fetch finished', { kind: 'timeout', creator: 'library', ref: false, origin: CALL }, none, 'ignore'],
    ["a library's retry timer of a pending call", { kind: 'timeout', creator: 'library', ref: true, origin: CALL }, pending, 'fold'],
    ['a timer the function set inside a pending call stays its own', { kind: 'timeout', creator: 'user', ref: true, origin: CALL }, pending, 'leak'],
  ];
  it.each(cases)('%s', (_name, resource, sites, expected) => {
    expect(rules.verdict(resource, sites)).toBe(expected);
  });
});

describe('leakEntries', () => {
  it('nothing left: no entries', () => {
    expect(rules.leakEntries([{ kind: 'socket', creator: 'library', agent: 'idle' }], [])).toEqual([]);
  });

  it('groups a kind at one place, keeps creation order, and reports a pending call once per site with what it holds', () => {
    const entries = rules.leakEntries(
      [
        { kind: 'interval', creator: 'user', site: '/app/a.mjs:3:5', detail: 'setInterval 10 ms' },
        { kind: 'interval', creator: 'user', site: '/app/a.mjs:3:5', detail: 'setInterval 10 ms' },
        { kind: 'socket', creator: 'library', origin: CALL, ref: true, detail: 'TCP socket' },
        { kind: 'timeout', creator: 'library', origin: CALL, detail: 'setTimeout 3000 ms' },
      ],
      [{ site: CALL, awaited: false }, { site: CALL, awaited: false }],
    );
    expect(entries).toEqual([
      { kind: 'interval', count: 2, createdAt: '/app/a.mjs:3:5', detail: 'setInterval 10 ms' },
      { kind: 'promise', count: 1, createdAt: CALL, detail: 'not awaited, still pending, holding: TCP socket, setTimeout 3000 ms' },
    ]);
  });

  it('a call awaited only by code that was itself not awaited', () => {
    expect(rules.leakEntries([], [{ site: CALL, awaited: true }])).toEqual([
      { kind: 'promise', count: 1, createdAt: CALL, detail: 'awaited only by work left running, still pending' },
    ]);
  });

  it('a resource with no known place has createdAt null', () => {
    expect(rules.leakEntries([{ kind: 'server', creator: 'library', detail: 'TCP server' }], [])).toEqual([
      { kind: 'server', count: 1, createdAt: null, detail: 'TCP server' },
    ]);
  });
});
