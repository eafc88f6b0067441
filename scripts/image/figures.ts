// What docs/container.md records, measured here: the image's size (and the base's), the time from
// `podman run` to the first healthy answer (five starts), and which namespaces can be made inside a
// container with which flags, tried for real with util-linux's unshare as the image's user.
import { freePort } from './exec.ts';
import { LABEL, type Podman } from './podman.ts';

export interface Figures {
  imageMB: number;
  baseMB: number;
  /** podman run → /_ephemera/health answers 200, ms, sorted. */
  startToHealthyMs: number[];
  isolation: Array<{ flags: string; results: Record<string, string> }>;
}

/** Flag sets worth knowing (least privilege first), as a user would type them. */
export const ISOLATION_FLAGS: readonly string[][] = [
  [],
  ['--cap-add', 'SYS_ADMIN'],
  ['--user', 'root', '--cap-add', 'SYS_ADMIN'],
  ['--security-opt', 'unmask=/proc/*'],
];

/** Each probe prints `name: ok` or `name: <error>`; all run as the container's user. */
const PROBES: Record<string, string> = {
  'mount ns': 'unshare --mount --propagation private true',
  'mount ns + mount(8)': 'unshare --mount --propagation private sh -c "mount -t tmpfs x /tmp"',
  'mount+PID ns, own /proc': 'unshare --mount --pid --fork --mount-proc true',
  'user+mount ns + mount(8)': 'unshare --user --map-root-user --mount --propagation private sh -c "mount --bind /opt/ephemera /var/task && mount -t tmpfs x /tmp"',
  'user+mount+PID ns, own /proc': 'unshare --user --map-root-user --mount --pid --fork --mount-proc true',
};

export async function measure(podman: Podman, baseImage: string): Promise<Figures> {
  const size = async (image: string): Promise<number> => Math.round(Number(await podman.must(['image', 'inspect', '--format', '{{.Size}}', image])) / 1e6);
  const startToHealthyMs: number[] = [];
  for (let i = 0; i < 5; i++) startToHealthyMs.push(await startToHealthy(podman));
  const isolation = [];
  for (const flags of ISOLATION_FLAGS) isolation.push({ flags: flags.join(' ') || '(none)', results: await probeNamespaces(podman, flags) });
  return { imageMB: await size(podman.image), baseMB: await size(baseImage), startToHealthyMs: startToHealthyMs.sort((a, b) => a - b), isolation };
}

async function startToHealthy(podman: Podman): Promise<number> {
  const hostPort = podman.quirks.network === 'host' ? await freePort() : undefined;
  const publish = hostPort ? ['-e', `EPHEMERA_PORT=${hostPort}`, '-e', 'EPHEMERA_HOST=127.0.0.1'] : ['-p', '127.0.0.1::3001'];
  const started = performance.now();
  const id = await podman.must(['run', '-d', '--label', LABEL, ...podman.containerFlags(), ...publish, podman.image]);
  try {
    const port = hostPort ?? Number((await podman.must(['port', id, '3001/tcp'])).split(':').pop());
    for (let i = 0; i < 3000; i++) {
      if (await fetch(`http://127.0.0.1:${port}/_ephemera/health`).then((r) => r.ok, () => false)) return Math.round(performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`container ${id} never became healthy`);
  } finally {
    await podman.run(['rm', '-f', '-t', '0', id]);
  }
}

async function probeNamespaces(podman: Podman, flags: readonly string[]): Promise<Record<string, string>> {
  const script = Object.entries(PROBES).map(([name, cmd]) => `if out=$(${cmd} 2>&1); then echo "${name}: ok"; else echo "${name}: $(echo "$out" | head -1)"; fi`).join('\n');
  const r = await podman.run(['run', '--rm', '--label', LABEL, ...podman.containerFlags(), ...flags, '--entrypoint', 'sh', podman.image, '-c', script], { timeoutMs: 60_000 });
  const results: Record<string, string> = {};
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const at = line.indexOf(': ');
    results[line.slice(0, at)] = line.slice(at + 2).replace(/^unshare: /, '');
  }
  return results;
}

export function formatFigures(f: Figures): string {
  const median = f.startToHealthyMs[Math.floor(f.startToHealthyMs.length / 2)];
  const names = Object.keys(PROBES);
  return [
    `image ${f.imageMB} MB (base ${f.baseMB} MB); podman run → healthy: median ${median} ms (${f.startToHealthyMs.join(', ')} ms)`,
    `| flags | ${names.join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
    ...f.isolation.map((row) => `| \`${row.flags}\` | ${names.map((n) => row.results[n] ?? '?').join(' | ')} |`),
  ].join('\n');
}
