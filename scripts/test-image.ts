// `npm run test:image` (and .ci/run after `npm test`): the container image as a tested product. Installs
// podman and friends from Debian, makes the node:24-bookworm-slim base when no registry has it, finds
// this host's podman quirks by trying, builds the Dockerfile, runs test/image with vitest, prints the
// figures docs/container.md records, and removes every container, volume, network and build layer it
// made. Where podman cannot run at all it says why and exits 0.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_IMAGE, ensureBase } from './image/base-image.ts';
import { run } from './image/exec.ts';
import { formatFigures, measure } from './image/figures.ts';
import { installMissing } from './image/host-packages.ts';
import { detectQuirks } from './image/host-quirks.ts';
import { danglingImages, removeLeftovers } from './image/leftovers.ts';
import { Podman } from './image/podman.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IMAGE = 'localhost/ephemera:test';

const startedAt = performance.now();
const elapsed = (): string => `${((performance.now() - startedAt) / 1000).toFixed(0)} s`;
const step = (what: string): void => console.log(`\n== ${what} (${elapsed()})`);

function skip(reason: string): never {
  console.log(`\nimage tests skipped: ${reason}`);
  process.exit(0);
}

async function main(): Promise<number> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    skip('they need Linux and root (rootful podman, debootstrap and chroot for the base image); CI runs them as root');
  }
  step('host packages');
  const packages = await installMissing();
  if (packages.missing.length) skip(`${packages.missing.join(', ')} missing (${packages.why})`);
  const plain = new Podman({ global: [], ulimits: [], network: 'bridge', notes: [] }, IMAGE);
  const info = await plain.run(['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}} {{.Host.CgroupManager}}']);
  if (info.code !== 0) skip(`podman does not work here: ${info.stderr.trim().split('\n').pop()}`);
  console.log(`podman ${(await plain.must(['--version'])).replace(/^podman version /, '')}: runtime, cgroups, manager: ${info.stdout.trim()}`);
  const dangling = await danglingImages(plain);

  step(`base image ${BASE_IMAGE}`);
  const base = await ensureBase(plain);
  console.log(`base: ${base.source}`);

  step('host quirks');
  const detected = await detectQuirks(BASE_IMAGE, IMAGE);
  if ('skip' in detected) skip(detected.skip);
  const podman = detected.podman;
  for (const note of podman.quirks.notes) console.log(`quirk: ${note}`);
  if (podman.quirks.notes.length === 0) console.log('none');

  let failed = true;
  try {
    step(`build ${IMAGE}`);
    const secret = podman.quirks.caFile ? ['--secret', `id=ca,src=${podman.quirks.caFile}`] : [];
    const build = await podman.run(['build', '--pull=never', '--format', 'docker', ...podman.containerFlags(), ...secret,
      '-t', IMAGE, '-f', join(ROOT, 'Dockerfile'), ROOT], { stream: true, timeoutMs: 1_800_000 });
    if (build.code !== 0) throw new Error(`podman build failed (exit ${build.code})`);
    console.log(`built in ${(build.ms / 1000).toFixed(0)} s`);

    step('test/image');
    const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
    const tests = await run([process.execPath, vitest, 'run', '--config', join(ROOT, 'vitest.image.config.ts')],
      { cwd: ROOT, env: { ...process.env, ...podman.toEnv() }, stream: true, timeoutMs: 1_800_000 });
    failed = tests.code !== 0;

    step('figures');
    console.log(formatFigures(await measure(podman, BASE_IMAGE)));
  } finally {
    step('clean-up');
    const removed = await removeLeftovers(podman, dangling);
    console.log(removed.length ? `removed ${removed.join(', ')}` : 'nothing left');
    console.log(`\nimage tests ${failed ? 'FAILED' : 'passed'} in ${elapsed()}`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
