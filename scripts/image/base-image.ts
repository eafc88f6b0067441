// The base image the Dockerfile names, docker.io/library/node:24-bookworm-slim: kept when podman has it,
// pulled when a registry answers, else made here as a stand-in: Debian bookworm (debootstrap minbase
// from the mirror apt already uses, slimmed like Debian's slim images), Node 24 from the npm registry's
// node-linux-<arch> package, npm from the `npm` package, a `node` user with uid 1000.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { must, run } from './exec.ts';
import type { Podman } from './podman.ts';

export const BASE_IMAGE = 'docker.io/library/node:24-bookworm-slim';
/** Set on a stand-in, so a run can tell it from the real image. */
const STAND_IN = 'io.ephemera.stand-in';
const NODE_RANGE = '24';
const NPM_RANGE = '11';

export type BaseSource = 'cached' | 'cached stand-in' | 'pulled' | 'stand-in';

export async function ensureBase(podman: Podman): Promise<{ source: BaseSource; why?: string }> {
  if ((await podman.run(['image', 'exists', BASE_IMAGE])).code === 0) {
    const label = await podman.must(['image', 'inspect', '--format', `{{index .Labels "${STAND_IN}"}}`, BASE_IMAGE]);
    return { source: label === 'true' ? 'cached stand-in' : 'cached' };
  }
  const pull = await podman.run(['pull', '--quiet', BASE_IMAGE], { timeoutMs: 300_000 });
  if (pull.code === 0) return { source: 'pulled' };
  const why = pull.stderr.trim().split('\n').pop() ?? `exit ${pull.code}`;
  console.log(`  cannot pull ${BASE_IMAGE} (${why}): making a stand-in`);
  await makeStandIn(podman);
  return { source: 'stand-in', why };
}

/** The Debian and Debian security mirrors in apt's sources (one-line or deb822 format). */
export function aptMirrors(sources: string): { debian?: string; security?: string } {
  const found: { debian?: string; security?: string } = {};
  const note = (uri: string, suites: string[]): void => {
    const url = uri.replace(/\/+$/, '');
    if (suites.some((s) => s.endsWith('-security'))) found.security ??= url;
    else if (suites.some((s) => /^(bookworm|stable)(-updates)?$/.test(s))) found.debian ??= url;
  };
  for (const line of sources.split('\n')) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
    if (m) note(m[1], [m[2]]);
  }
  for (const stanza of sources.split(/\n\s*\n/)) {
    const field = (name: string): string[] => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
    if (!field('Types').includes('deb')) continue;
    for (const uri of field('URIs')) note(uri, field('Suites'));
  }
  return found;
}

function hostAptSources(): string {
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((f) => join('/etc/apt/sources.list.d', f))];
  return files.filter((f) => /\.(list|sources)$/.test(f) && existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n\n');
}

function removeFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeFiles(join(dir, entry.name));
    else rmSync(join(dir, entry.name), { force: true });
  }
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(0)} s`;

async function makeStandIn(podman: Podman): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync('/var/tmp/ephemera-base-');
  try {
    const rootfs = join(work, 'rootfs');
    const mirrors = aptMirrors(hostAptSources());
    const debian = mirrors.debian ?? 'http://deb.debian.org/debian';
    const security = mirrors.security ?? debian.replace(/\/debian$/, '/debian-security');
    const debootstrap = await must(['debootstrap', '--variant=minbase', 'bookworm', rootfs, debian], { timeoutMs: 900_000 }).then(() => seconds(started));
    console.log(`  debootstrap --variant=minbase bookworm from ${debian}: ${debootstrap}`);
    await addNode(work, rootfs);
    await must(['chroot', rootfs, 'groupadd', '--gid', '1000', 'node']);
    await must(['chroot', rootfs, 'useradd', '--uid', '1000', '--gid', 'node', '--shell', '/bin/bash', '--create-home', 'node']);
    slim(rootfs, debian, security);
    const tarball = join(work, 'rootfs.tar');
    await must(['tar', '-C', rootfs, '--numeric-owner', '-cf', tarball, '.'], { timeoutMs: 300_000 });
    await podman.must(['import', '--change', 'CMD ["node"]', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change', `LABEL ${STAND_IN}=true`, tarball, BASE_IMAGE], { timeoutMs: 300_000 });
    console.log(`  stand-in imported as ${BASE_IMAGE}: ${seconds(started)} in all`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Node (bin, include, share as the official tarball has them) into /usr/local, npm beside it. */
async function addNode(work: string, rootfs: string): Promise<void> {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const packed = JSON.parse(await must(['npm', 'pack', '--json', '--silent', `node-linux-${arch}@${NODE_RANGE}`, `npm@${NPM_RANGE}`], { cwd: work, timeoutMs: 300_000 })) as Array<{ filename: string; version: string }>;
  const [node, npm] = packed.map((p) => join(work, p.filename));
  console.log(`  node ${packed[0].version} and npm ${packed[1].version} from the npm registry`);
  const local = join(rootfs, 'usr/local');
  await must(['tar', 'xzf', node, '-C', local, '--strip-components=1', '--no-same-owner', 'package/bin', 'package/include', 'package/share']);
  const npmDir = join(local, 'lib/node_modules/npm');
  mkdirSync(npmDir, { recursive: true });
  await must(['tar', 'xzf', npm, '-C', npmDir, '--strip-components=1', '--no-same-owner']);
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(local, 'bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(local, 'bin/npx'));
  await must(['chroot', rootfs, '/usr/local/bin/node', '--version']);
}

/** As Debian's slim images: no docs, manuals or translations (now or from later installs), no apt lists. */
function slim(rootfs: string, debian: string, security: string): void {
  writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/slim'), [
    '# Packages installed later leave out documentation, manuals and translations (as in Debian slim images).',
    'path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright', 'path-exclude /usr/share/man/*',
    'path-exclude /usr/share/info/*', 'path-exclude /usr/share/groff/*', 'path-exclude /usr/share/lintian/*',
    'path-exclude /usr/share/locale/*', 'path-include /usr/share/locale/locale.alias', '',
  ].join('\n'));
  rmSync(join(rootfs, 'etc/apt/sources.list'), { force: true });
  writeFileSync(join(rootfs, 'etc/apt/sources.list.d/debian.sources'), [
    `Types: deb\nURIs: ${debian}\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
    `Types: deb\nURIs: ${security}\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  ].join('\n'));
  for (const dir of ['usr/share/man', 'usr/share/info', 'usr/share/groff', 'usr/share/lintian']) {
    for (const entry of listDir(join(rootfs, dir))) rmSync(join(rootfs, dir, entry), { recursive: true, force: true });
  }
  // apt and dpkg expect these directories; only their files (lists, caches, logs) go.
  for (const dir of ['var/lib/apt/lists', 'var/log', 'var/cache/apt']) removeFiles(join(rootfs, dir));
  for (const entry of listDir(join(rootfs, 'usr/share/locale'))) {
    if (entry !== 'locale.alias') rmSync(join(rootfs, 'usr/share/locale', entry), { recursive: true, force: true });
  }
  for (const pkg of listDir(join(rootfs, 'usr/share/doc'))) {
    for (const entry of listDir(join(rootfs, 'usr/share/doc', pkg))) {
      if (entry !== 'copyright') rmSync(join(rootfs, 'usr/share/doc', pkg, entry), { recursive: true, force: true });
    }
  }
}
