// The Debian packages the image tests need, installed with apt-get when missing (as root): podman with
// runc (crun refuses hybrid cgroup hosts), iptables and the dnsname CNI plugin for bridge networks and
// compose service names, podman-compose, and debootstrap for the stand-in base image.
import { existsSync } from 'node:fs';
import { onPath, run } from './exec.ts';

interface Need {
  pkg: string;
  /** Present when this command is on PATH or this file exists. */
  command?: string;
  file?: string;
}

export const NEEDS: readonly Need[] = [
  { pkg: 'podman', command: 'podman' },
  { pkg: 'runc', command: 'runc' },
  { pkg: 'iptables', command: 'iptables' },
  { pkg: 'golang-github-containernetworking-plugin-dnsname', file: '/usr/lib/cni/dnsname' },
  { pkg: 'podman-compose', command: 'podman-compose' },
  { pkg: 'debootstrap', command: 'debootstrap' },
];

async function present(need: Need): Promise<boolean> {
  return need.file ? existsSync(need.file) : onPath(need.command!);
}

/** Installs what is missing; returns the packages still missing afterwards (with why), or []. */
export async function installMissing(needs: readonly Need[] = NEEDS): Promise<{ missing: string[]; why?: string }> {
  const missing: Need[] = [];
  for (const need of needs) if (!(await present(need))) missing.push(need);
  if (missing.length === 0) return { missing: [] };
  const names = missing.map((n) => n.pkg);
  if (process.getuid?.() !== 0 || !(await onPath('apt-get'))) {
    return { missing: names, why: 'installing them needs root and apt-get' };
  }
  console.log(`installing from Debian: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = await run(['apt-get', 'update', '-qq'], { env, timeoutMs: 300_000 });
  const install = update.code === 0
    ? await run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names], { env, timeoutMs: 600_000 })
    : update;
  const still: string[] = [];
  for (const need of missing) if (!(await present(need))) still.push(need.pkg);
  return still.length ? { missing: still, why: `apt-get failed: ${install.stderr.trim().split('\n').slice(-3).join(' ')}` } : { missing: [] };
}
