// --fetch-runtimes: a Node major found nowhere on the machine comes from the npm registry's
// `node-linux-<arch>` package (the official Node build, as .ci/run installs Node), through the npm
// that ships with the emulator's Node (so the user's registry, proxy and CA settings apply). Only
// bin/node and the licence are kept, in `<cache>/node-v<version>-linux-<arch>/`, reused afterwards.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { compareVersions, majorOf } from './runtime-ids.ts';

const run = promisify(execFile);

/** The Node installs fetched earlier: `{ version, path }` of each complete one, newest first. */
export function fetchedNodes(cacheDir: string, arch: string): Array<{ version: string; path: string }> {
  let entries: string[];
  try {
    entries = readdirSync(cacheDir);
  } catch {
    return [];
  }
  const suffix = `-linux-${arch}`;
  return entries
    .map((e) => /^node-v(\d+\.\d+\.\d+)(-linux-[a-z0-9]+)$/.exec(e))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === suffix && existsSync(join(cacheDir, m[0], 'bin/node')))
    .map((m) => ({ version: m[1], path: join(cacheDir, m[0], 'bin/node') }))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** The npm CLI beside the emulator's Node (its own install), else whatever `npm` is on PATH. */
function npmCommand(): string {
  const beside = join(dirname(process.execPath), 'npm');
  return existsSync(beside) ? beside : 'npm';
}

/**
 * Fetch the newest Node of a major (e.g. 22) into the cache; resolves with its version and node
 * binary. Concurrent fetches of the same major (two emulators) are safe: each unpacks into its own
 * temp dir and renames it into place; the loser keeps the winner's.
 */
export async function fetchNode(major: number, arch: string, cacheDir: string): Promise<{ version: string; path: string }> {
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, `.fetch-node${major}-`));
  try {
    const { stdout } = await run(npmCommand(), ['pack', `node-linux-${arch}@${major}`, '--json', '--silent', '--pack-destination', work], {
      cwd: work, timeout: 600_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ version: string; filename: string }>;
    if (!packed || majorOf(packed.version) !== major) throw new Error(`npm pack gave ${packed?.version ?? 'nothing'} for node-linux-${arch}@${major}`);
    const unpacked = join(work, 'node');
    mkdirSync(unpacked);
    await run('tar', ['xzf', join(work, packed.filename), '-C', unpacked, '--strip-components=1', 'package/bin/node', 'package/LICENSE'], { timeout: 300_000 });
    const final = join(cacheDir, `node-v${packed.version}-linux-${arch}`);
    try {
      renameSync(unpacked, final);
    } catch (err) {
      if (!existsSync(join(final, 'bin/node'))) throw err;
    }
    return { version: packed.version, path: join(final, 'bin/node') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
