// What this host's podman needs, found by trying for real: start a throw-away container from the base
// image and, while it fails, read the error and apply the fix it calls for (table below); then check
// the bridge network reaches the registries, and whether containers need the host's CA bundle.
import { existsSync, readFileSync } from 'node:fs';
import { Podman, type Quirks } from './podman.ts';

export type Fix = 'runc-cgroupfs' | 'cgroupfs' | 'ulimits';

/** The fix a failed `podman run` calls for, judged from its error output (undefined: none known). */
export function fixFor(error: string): Fix | undefined {
  if (/hybrid mode not supported|cgroups? v1.*not supported/i.test(error)) return 'runc-cgroupfs';
  if (/systemd.*(cgroup|not available|private)|cgroup.*systemd/i.test(error)) return 'cgroupfs';
  if (/setrlimit|setting rlimit|RLIMIT_/i.test(error)) return 'ulimits';
  return undefined;
}

/** Limits a container can be given where podman's defaults (1048576) are above what may be set. */
export function explicitUlimits(hardNofile: number, hardNproc: number, pidMax: number): string[] {
  const nproc = Math.min(hardNproc, pidMax);
  return ['--ulimit', `nofile=${hardNofile}:${hardNofile}`, '--ulimit', `nproc=${nproc}:${nproc}`];
}

/** The hard limit on one line of /proc/<pid>/limits ('unlimited' as podman's own default, 1048576). */
export function hardLimit(limits: string, name: string): number {
  const line = limits.split('\n').find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  if (!hard) throw new Error(`no "${name}" in /proc/self/limits`);
  return hard === 'unlimited' ? 1048576 : Number(hard);
}

export type Detected = { podman: Podman } | { skip: string };

export async function detectQuirks(baseImage: string, image: string): Promise<Detected> {
  const quirks: Quirks = { global: [], ulimits: [], network: 'bridge', notes: [] };
  const applied = new Set<Fix>();
  for (;;) {
    const probe = new Podman(quirks, image);
    const r = await probe.run(['run', '--rm', '--pull=never', '--network', 'none', ...quirks.ulimits, baseImage, 'true'], { timeoutMs: 60_000 });
    if (r.code === 0) break;
    const error = r.stderr.trim().split('\n').filter((l) => !/level=(warning|info)/.test(l)).join(' ') || `exit ${r.code}`;
    const fix = fixFor(error);
    if (!fix || applied.has(fix)) return { skip: `podman cannot run a container here: ${error}` };
    applied.add(fix);
    // The cause is at the end of runc's and crun's messages.
    const cause = error.length > 160 ? `…${error.slice(-150)}` : error;
    quirks.notes.push(`${cause} → ${await apply(fix, quirks)}`);
  }
  const reach = await reachesRegistries(new Podman(quirks, image), baseImage);
  if ('error' in reach) return { skip: `containers cannot reach the Debian mirror and the npm registry the build needs: ${reach.error}` };
  if (!reach.bridge) {
    quirks.network = 'host';
    quirks.notes.push(`the bridge network does not reach the registries (${reach.bridgeError}) → --network host; compose is skipped`);
  }
  if (reach.caFile) {
    quirks.caFile = reach.caFile;
    quirks.notes.push(`containers do not trust the npm registry's certificate (a TLS-inspecting proxy) → the host's ${reach.caFile} as NODE_EXTRA_CA_CERTS / build secret "ca"`);
  }
  return { podman: new Podman(quirks, image) };
}

async function apply(fix: Fix, quirks: Quirks): Promise<string> {
  if (fix === 'ulimits') {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    quirks.ulimits = explicitUlimits(hardLimit(limits, 'Max open files'), hardLimit(limits, 'Max processes'), pidMax);
    return quirks.ulimits.join(' ');
  }
  const set = (flag: string, value: string): void => {
    const at = quirks.global.indexOf(flag);
    if (at >= 0) quirks.global[at + 1] = value;
    else quirks.global.push(flag, value);
  };
  if (fix === 'runc-cgroupfs') set('--runtime', 'runc');
  set('--cgroup-manager', 'cgroupfs');
  return quirks.global.join(' ');
}

const CA_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem'];

type Reach = { bridge: boolean; bridgeError?: string; caFile?: string } | { error: string };

/**
 * Can a container on the bridge network (else the host's) fetch from the Debian mirror and the npm
 * registry, and does Node inside trust the registry's certificate without the host's CA bundle?
 */
async function reachesRegistries(podman: Podman, baseImage: string): Promise<Reach> {
  const fetchBoth = `Promise.all(['http://deb.debian.org/debian/', 'https://registry.npmjs.org/'].map((u) => fetch(u, { method: 'HEAD' })))
    .then(() => console.log('ok'), (e) => console.log(String(e.cause?.code ?? e.cause?.message ?? e.message)))`;
  const probe = async (network: string[], ca?: string): Promise<string> => {
    const mount = ca ? ['-v', `${ca}:/tmp/ca.crt:ro`, '-e', 'NODE_EXTRA_CA_CERTS=/tmp/ca.crt'] : [];
    const r = await podman.run(['run', '--rm', '--pull=never', ...podman.quirks.ulimits, ...network, ...mount, baseImage, 'node', '-e', fetchBoth], { timeoutMs: 60_000 });
    return r.code === 0 ? r.stdout.trim() : `podman run: ${r.stderr.trim().split('\n').pop()}`;
  };
  const ca = CA_BUNDLES.find((f) => existsSync(f));
  const attempt = async (network: string[]): Promise<{ ok: boolean; answer: string; caFile?: string }> => {
    const answer = await probe(network);
    if (answer === 'ok') return { ok: true, answer };
    if (/CERT|certificate|SELF_SIGNED/i.test(answer) && ca && (await probe(network, ca)) === 'ok') return { ok: true, answer, caFile: ca };
    return { ok: false, answer };
  };
  const bridge = await attempt([]);
  if (bridge.ok) return { bridge: true, caFile: bridge.caFile };
  const host = await attempt(['--network', 'host']);
  if (host.ok) return { bridge: false, bridgeError: bridge.answer, caFile: host.caFile };
  return { error: `bridge: ${bridge.answer}; host network: ${host.answer}` };
}
