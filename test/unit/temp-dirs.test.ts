// Owner-tagged temp dirs: the name round-trips, the owner-gone rule (table), and the start-up sweep
// over a scratch base dir: a dead owner's and a reused pid's dirs go, a live owner's and another
// PID namespace's stay, and so do names that are not ours.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Owner, namedOwnerGone, ownerGone, ownerTag, parseOwner, selfOwner, sweepDeadOwners, tmpDirPrefix,
} from '../../server/temp-dirs.ts';

const me: Owner = { pid: 100, startTime: 5000, pidNamespace: 4026531836 };

describe('owner of a temp dir', () => {
  it('is named by pid, start time and PID namespace, and read back', () => {
    const name = basename(`${tmpDirPrefix('tmp')}-echo-Ab12Cd`);
    expect(name).toMatch(/^ephemera-\d+\.\d+\.\d+-tmp-echo-Ab12Cd$/);
    expect(parseOwner(name)).toEqual(selfOwner());
    for (const other of ['ephemera-cache-root', 'ephemera-echo-abc', 'ephemera-12-abcdef01', 'x-ephemera-1.2.3-tmp']) expect(parseOwner(other)).toBeUndefined();
  });

  it("names an emulator's parent cgroup by the tag alone, which reads back and tells a reused pid apart", () => {
    const tag = ownerTag();
    expect(tag).toMatch(/^ephemera-\d+\.\d+\.\d+$/);
    expect(parseOwner(tag)).toEqual(selfOwner());
    const { pid, startTime, pidNamespace } = selfOwner();
    expect(namedOwnerGone(tag)).toBe(false);
    expect(namedOwnerGone(`ephemera-${pid}.${startTime + 1}.${pidNamespace}`)).toBe(true); // this pid, another process
    expect(namedOwnerGone(`ephemera-${pid}.${startTime}.${pidNamespace + 1}`)).toBe(false); // another namespace's
    expect(namedOwnerGone(`ephemera-${pid}`)).toBe(false); // not a tag (the old form is cgroup.ts's own rule)
  });

  const cases: Array<[string, Owner, { startTime: number; zombie: boolean } | undefined, boolean]> = [
    ['the same process (alive)', me, { startTime: 5000, zombie: false }, false],
    ['no process with that pid', me, undefined, true],
    ['the pid reused by another process', me, { startTime: 7000, zombie: false }, true],
    ['a zombie: dead, not reaped yet', me, { startTime: 5000, zombie: true }, true],
    ['another PID namespace, pid free here', { ...me, pidNamespace: 1 }, undefined, false],
    ['another PID namespace, pid taken here', { ...me, pidNamespace: 1 }, { startTime: 1, zombie: false }, false],
  ];
  for (const [name, owner, now, gone] of cases) {
    it(`${name}: ${gone ? 'gone' : 'not gone'}`, () => {
      expect(ownerGone(owner, me, () => now)).toBe(gone);
    });
  }
});

describe('sweepDeadOwners', () => {
  const base = mkdtempSync(join(tmpdir(), 'sweep-test-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("removes gone owners' dirs and leaves live ones, other namespaces and other names", () => {
    const self = selfOwner();
    const dir = (o: Owner, rest: string): string => {
      const path = join(base, `ephemera-${o.pid}.${o.startTime}.${o.pidNamespace}-${rest}`);
      mkdirSync(join(path, 'sub'), { recursive: true });
      writeFileSync(join(path, 'sub', 'f'), 'x');
      return path;
    };
    const live = dir(self, 'tmp-live-aaaaaa');
    const reused = dir({ ...self, startTime: self.startTime + 1 }, 'tmp-reused-bbbbbb');
    const dead = dir({ ...self, pid: 4_194_305 }, 'code-cccccccc'); // above the largest pid_max
    const foreign = dir({ ...self, pidNamespace: self.pidNamespace + 1, pid: 4_194_305 }, 'tmp-foreign-dddddd');
    const other = join(base, 'ephemera-cache-root');
    mkdirSync(other);
    writeFileSync(join(base, `ephemera-4194305.1.${self.pidNamespace}-file`), 'not a dir');

    expect(sweepDeadOwners(base).sort()).toEqual([dead, reused].sort());
    for (const kept of [live, foreign, other]) expect(existsSync(kept)).toBe(true);
    expect(existsSync(join(base, `ephemera-4194305.1.${self.pidNamespace}-file`))).toBe(true);
  });
});
