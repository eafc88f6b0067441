// Dependencies installed for functions as `sam build` does (see dependency-plan.ts for when): `pip
// install -r requirements.txt -t <dir>` with the function's own Python, `npm install --omit=dev` with
// its own Node, into `<cache>/dependencies/<kind>-<key>/`, reused until the manifest changes. One
// build at a time; a failure is one clear line (the function then runs without them), not an INIT crash.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { FunctionConfig } from '../model.ts';
import type { InterpreterSource } from '../environment/runtimes.ts';
import { type DependencyPlan, dependencyPlan } from './dependency-plan.ts';

export interface DependencyLog {
  info(message: string): void;
  warn(message: string): void;
}

type Outcome = { dir: string } | { error: string };

export class DependencyBuilds {
  private readonly cacheDir: string;
  private readonly runtimes: InterpreterSource;
  private readonly log: DependencyLog;
  /** Builds by key, for this process: each key is built (or fails) once. */
  private readonly builds = new Map<string, Promise<Outcome>>();
  /** The one build running; the next waits for it (two cores, shared). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(o: { cacheDir: string; runtimes: InterpreterSource; log: DependencyLog }) {
    this.cacheDir = o.cacheDir;
    this.runtimes = o.runtimes;
    this.log = o.log;
  }

  /** The folder of the function's built dependencies (building them first if needed), or undefined. */
  async forFunction(fn: FunctionConfig): Promise<string | undefined> {
    const plan = this.plan(fn);
    if (plan.kind === 'none') return undefined;
    const dir = join(this.cacheDir, `${plan.kind}-${plan.key}`);
    let build = this.builds.get(plan.key);
    if (!build) {
      build = existsSync(join(dir, '.complete')) ? Promise.resolve({ dir }) : this.enqueue(() => this.build(fn, plan as Exclude<DependencyPlan, { kind: 'none' }>, dir));
      this.builds.set(plan.key, build);
    }
    const outcome = await build;
    return 'dir' in outcome ? outcome.dir : undefined;
  }

  /** What the plan for a function is now (its manifest as it is on disk). */
  private plan(fn: FunctionConfig): DependencyPlan {
    const resolved = fn.runtime.startsWith('python') || fn.runtime.startsWith('nodejs') ? this.runtimes.resolve(fn.runtime) : undefined;
    if (!resolved || 'error' in resolved) return { kind: 'none' };
    const version = resolved.interpreter.version.split('.').slice(0, fn.runtime.startsWith('python') ? 2 : 1).join('.');
    const read = (name: string): string | undefined => {
      try {
        return readFileSync(join(fn.codeDir, name), 'utf8');
      } catch {
        return undefined;
      }
    };
    return dependencyPlan({
      runtime: fn.runtime, codeDir: fn.codeDir, requirements: read('requirements.txt'), packageJson: read('package.json'),
      lock: read('npm-shrinkwrap.json') ?? read('package-lock.json'), hasNodeModules: existsSync(join(fn.codeDir, 'node_modules')),
      hasInstalledPackages: listDir(fn.codeDir).some((e) => e.endsWith('.dist-info')),
      interpreterVersion: version, architecture: fn.architecture,
    });
  }

  private enqueue(task: () => Promise<Outcome>): Promise<Outcome> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async build(fn: FunctionConfig, plan: Exclude<DependencyPlan, { kind: 'none' }>, dir: string): Promise<Outcome> {
    const resolved = this.runtimes.resolve(fn.runtime);
    if ('error' in resolved) return { error: resolved.error };
    const interpreter = resolved.interpreter.path;
    mkdirSync(this.cacheDir, { recursive: true });
    const work = mkdtempSync(join(this.cacheDir, `.build-${plan.kind}-`));
    const what = plan.kind === 'python' ? 'pip install -r requirements.txt' : 'npm install --omit=dev';
    this.log.info(`${fn.name}: installing its dependencies (${what}, as sam build does) into ${dir}`);
    const started = performance.now();
    try {
      if (plan.kind === 'python') {
        await run(interpreter, [
          '-m', 'pip', 'install', '-r', join(fn.codeDir, 'requirements.txt'), '-t', work,
          '--disable-pip-version-check', '--no-input', '--no-warn-script-location', '--quiet',
        ], fn.codeDir);
      } else {
        writeFileSync(join(work, 'package.json'), plan.packageJson);
        if (plan.lock) writeFileSync(join(work, 'package-lock.json'), plan.lock);
        const [command, ...prefix] = npmArgv(interpreter);
        await run(command, [...prefix, 'install', '--omit=dev', '--install-links', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'], work);
        for (const file of ['package.json', 'package-lock.json']) rmSync(join(work, file), { force: true });
      }
      writeFileSync(join(work, '.complete'), `${plan.manifest} of ${fn.codeDir}\n`);
      try {
        renameSync(work, dir);
      } catch (err) {
        if (!existsSync(join(dir, '.complete'))) throw err; // else another emulator built the same key
      }
      this.log.info(`${fn.name}: dependencies installed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      return { dir };
    } catch (err) {
      const error = (err as Error).message;
      this.log.warn(`${fn.name}: ${what} failed, so it runs without its dependencies: ${error}`);
      return { error };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}

/**
 * npm run by the function's own Node (native modules are built for the Node that runs npm): npm's
 * CLI script where it can be found, else the `npm` on PATH as it is.
 */
function npmArgv(node: string): string[] {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const npm = join(dir, 'npm');
    if (!existsSync(npm)) continue;
    const real = realpathSync(npm);
    return basename(real) === 'npm-cli.js' ? [node, real] : [npm];
  }
  const beside = join(dirname(process.execPath), 'npm');
  return [existsSync(beside) ? beside : 'npm'];
}

/** Runs a build command; rejects with its last lines of output (the part that says what went wrong). */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout: 900_000, maxBuffer: 32 * 1024 * 1024, env: process.env }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter((l) => l && !/^WARNING: Running pip as the 'root' user/.test(l));
      const code = (err as { code?: unknown }).code;
      reject(new Error(`${typeof code === 'number' ? `exit ${code}` : String(code ?? err.message)}: ${lines.slice(-3).join(' | ') || err.message}`));
    });
  });
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
