// The pure decisions of the image scripts (scripts/image/): which podman error calls for which fix,
// the explicit ulimits, reading /proc/<pid>/limits, and the Debian mirrors in apt's sources.
import { describe, expect, it } from 'vitest';
import { aptMirrors } from '../../scripts/image/base-image.ts';
import { explicitUlimits, fixFor, hardLimit } from '../../scripts/image/host-quirks.ts';

describe('fixFor', () => {
  it.each([
    ['Error: OCI runtime error: crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2', 'runc-cgroupfs'],
    ['Error: crun: setrlimit `RLIMIT_NOFILE`: Operation not permitted: OCI permission denied', 'ulimits'],
    ['Error: runc: runc create failed: unable to start container process: error during container init: error setting rlimits for ready process: error setting rlimit type 7: operation not permitted', 'ulimits'],
    ['Error: systemd cgroup flag passed, but systemd support for managing cgroups is not available', 'cgroupfs'],
    ['Error: short-name resolution enforced but cannot prompt without a TTY', undefined],
    ['Error: netavark: iptables: No such file or directory', undefined],
  ])('%s → %s', (error, fix) => {
    expect(fixFor(error)).toBe(fix);
  });
});

describe('explicitUlimits', () => {
  it('gives the hard limits, processes bounded by kernel.pid_max', () => {
    expect(explicitUlimits(20000, 96367, 32768)).toEqual(['--ulimit', 'nofile=20000:20000', '--ulimit', 'nproc=32768:32768']);
    expect(explicitUlimits(1048576, 4096, 4194304)).toEqual(['--ulimit', 'nofile=1048576:1048576', '--ulimit', 'nproc=4096:4096']);
  });
});

describe('hardLimit', () => {
  const limits = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max processes             96367                96367                processes ',
    'Max open files            1024                 20000                files     ',
    'Max locked memory         8388608              unlimited            bytes     ',
  ].join('\n');
  it.each([['Max open files', 20000], ['Max processes', 96367], ['Max locked memory', 1048576]])('%s → %d', (name, value) => {
    expect(hardLimit(limits, name)).toBe(value);
  });
  it('refuses a missing line', () => {
    expect(() => hardLimit(limits, 'Max pending signals')).toThrow(/no "Max pending signals"/);
  });
});

describe('aptMirrors', () => {
  it.each([
    ['deb822 with security', 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n',
      { debian: 'http://deb.debian.org/debian', security: 'http://deb.debian.org/debian-security' }],
    ['one-line, a local mirror, other repositories ignored', 'deb [arch=amd64] http://mirror.example/debian/ bookworm main\ndeb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n# deb http://old/debian bookworm main\n',
      { debian: 'http://mirror.example/debian' }],
    ['source entries only', 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n', {}],
  ])('%s', (_name, sources, mirrors) => {
    expect(aptMirrors(sources)).toEqual(mirrors);
  });
});
