// Reading /proc and the namespace sandbox's small rules: /proc/<pid>/stat fields (a command name may
// hold spaces and parentheses), `children` lists, the init's status words (128+n is signal n), and
// the shape of the sandbox's unshare arguments.
import { describe, expect, it } from 'vitest';
import { parseChildren, parseStat, parseStatus, peakKbOf, readStat } from '../../server/environment/proc-fs.ts';
import { readFileSync } from 'node:fs';
import { SANDBOX_BOUNDING_SET, decodeSandboxStatus, namespaceArgs } from '../../server/environment/namespace-sandbox.ts';

describe('parseStat', () => {
  const tail = '0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10';
  const cases: Array<[string, string, { state: string; ppid: number; pgid: number; sid: number; startTime: number } | undefined]> = [
    ['plain', `42 (node) S 1 42 42 ${tail}`, { state: 'S', ppid: 1, pgid: 42, sid: 42, startTime: 98765 }],
    ['spaces and parentheses in the name', `7 (a (b) c) T 3 4 5 ${tail}`, { state: 'T', ppid: 3, pgid: 4, sid: 5, startTime: 98765 }],
    ['a zombie', `9 (sh) Z 2 9 9 ${tail}`, { state: 'Z', ppid: 2, pgid: 9, sid: 9, startTime: 98765 }],
    ['truncated', '9 (sh) Z 2 9', undefined],
    ['garbage', 'nonsense', undefined],
  ];
  for (const [name, text, want] of cases) it(name, () => expect(parseStat(text)).toEqual(want));

  it("reads this process's own stat", () => {
    expect(readStat(process.pid)).toMatchObject({ state: expect.stringMatching(/^[RS]$/), ppid: process.ppid });
    expect(readStat(4_194_305)).toBeUndefined();
  });
});

describe('parseStatus and peakKbOf', () => {
  const running = 'Name:\tnode\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nNSpgid:\t40\t1\nVmPeak:\t  900 kB\nVmHWM:\t   51234 kB\nVmRSS:\t 50000 kB\n';
  const zombie = 'Name:\tsh\nState:\tZ (zombie)\nNSpgid:\t9\nThreads:\t1\n';
  const cases: Array<[string, string, { state: string; pgid: number } | undefined, number]> = [
    ['a live process: the group in our namespace first', running, { state: 'S', pgid: 40 }, 51234],
    ['a zombie has no VmHWM', zombie, { state: 'Z', pgid: 9 }, 0],
    ['State first in the text', 'State:\tT (stopped)\nNSpgid:\t7\n', { state: 'T', pgid: 7 }, 0],
    ['a kernel without NSpgid', 'Name:\tx\nState:\tR (running)\nVmHWM:\t 12 kB\n', undefined, 12],
    ['empty (the process is gone)', '', undefined, 0],
  ];
  for (const [name, text, want, kb] of cases) {
    it(name, () => {
      expect(parseStatus(text)).toEqual(want);
      expect(peakKbOf(text)).toBe(kb);
    });
  }

  it("agrees with /proc/<pid>/stat on this process's state and group", () => {
    const status = readFileSync('/proc/self/status', 'latin1');
    expect(parseStatus(status)).toEqual({ state: 'R', pgid: readStat('self')!.pgid });
    expect(peakKbOf(status)).toBeGreaterThan(1024);
  });
});

describe('parseChildren', () => {
  for (const [text, want] of [['', []], ['12 ', [12]], ['12 34 56 ', [12, 34, 56]], [undefined, []]] as const) {
    it(JSON.stringify(text), () => expect(parseChildren(text)).toEqual(want));
  }
});

describe("the sandbox init's status", () => {
  const cases: Array<[number, { code: number | null; signal: NodeJS.Signals | null }]> = [
    [0, { code: 0, signal: null }],
    [1, { code: 1, signal: null }],
    [127, { code: 127, signal: null }],
    [128, { code: 128, signal: null }],
    [137, { code: null, signal: 'SIGKILL' }],
    [143, { code: null, signal: 'SIGTERM' }],
    [139, { code: null, signal: 'SIGSEGV' }],
    [255, { code: 255, signal: null }],
  ];
  for (const [status, want] of cases) it(`${status}`, () => expect(decodeSandboxStatus(status)).toEqual(want));
});

describe('namespaceArgs', () => {
  it('makes mount and PID namespaces with their own /proc, and passes the bounding set before the command', () => {
    const args = namespaceArgs({ codeDir: '/code', runtimeDir: '/rt', tmpMB: 512, command: ['node', 'x.mjs'], boundingSet: SANDBOX_BOUNDING_SET });
    expect(args.slice(0, 7)).toEqual(['--mount', '--pid', '--mount-proc', '--propagation', 'private', '--fork', '--kill-child']);
    // The init leads a process group of its own (setsid): a freeze stops it, never unshare.
    expect(args.slice(7, 10)).toEqual(['setsid', '/bin/sh', '-c']);
    expect(args.slice(11)).toEqual(['ephemera-sandbox', '/code', '', '/rt', '512', '', '', '', SANDBOX_BOUNDING_SET, '', '', 'node', 'x.mjs']);
    expect(SANDBOX_BOUNDING_SET).toMatch(/^-all,\+chown,.*\+setfcap$/);
    expect(SANDBOX_BOUNDING_SET).not.toContain('sys_admin');
  });

  it('merges several layers with an overlay (first lowerdir on top) and keeps the capabilities when asked', () => {
    const args = namespaceArgs({ codeDir: '/c', runtimeDir: '/r', tmpMB: 1, command: ['x'], layers: ['/l1', '/l:2', '/l1'] });
    expect(args.slice(17)).toEqual(['overlay', 'lowerdir=/l1:/l\\:2', '', '', '', 'x']);
    expect(namespaceArgs({ codeDir: '/c', runtimeDir: '/r', tmpMB: 1, command: ['x'], layers: ['/only'], tmpSeed: '/kept', stay: true }).slice(17)).toEqual(['bind', '/only', '', '/kept', '1', 'x']);
  });

  it('merges the dependencies built for the function under its code at /var/task, and mounts the interpreter at /var/lang', () => {
    const args = namespaceArgs({ codeDir: '/code:x', dependencyDir: '/cache/python-1', runtimeDir: '/r', langDir: '/usr', tmpMB: 1, command: ['x'] });
    expect(args.slice(11, 17)).toEqual(['ephemera-sandbox', '/code\\:x', '/cache/python-1', '/r', '1', '/usr']);
  });
});
