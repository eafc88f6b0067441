// podman as this host needs it: the global flags (OCI runtime, cgroup manager) and the run flags
// (ulimits, network mode) that host-quirks.ts found, plus the CA bundle containers need behind a
// TLS-inspecting proxy. The image tests get the same engine through one environment variable.
import { must, run, type RunOptions, type RunResult } from './exec.ts';

export interface Quirks {
  /** Before the podman subcommand: `--runtime runc --cgroup-manager cgroupfs` where crun fails. */
  global: string[];
  /** For every container (run, build, compose): explicit `--ulimit`s where the defaults cannot be set. */
  ulimits: string[];
  /** `host` where a bridge network cannot reach the registries (then compose cannot run). */
  network: 'bridge' | 'host';
  /** Host CA bundle that containers need to reach the npm registry (a TLS-inspecting proxy), if any. */
  caFile?: string;
  /** One line per quirk found: what failed and what is applied instead. */
  notes: string[];
}

const ENV = 'EPHEMERA_IMAGE_ENGINE';
/** Every container, volume and network the image scripts and tests create carries this label. */
export const LABEL = 'io.ephemera.image-test=1';
/** The compose project the image tests run the example under (podman-compose labels its objects so). */
export const COMPOSE_PROJECT = 'ephemera-image-test';

export class Podman {
  readonly quirks: Quirks;
  /** The image under test, e.g. localhost/ephemera:test. */
  readonly image: string;

  constructor(quirks: Quirks, image: string) {
    this.quirks = quirks;
    this.image = image;
  }

  static fromEnv(): Podman | undefined {
    const raw = process.env[ENV];
    if (!raw) return undefined;
    const { quirks, image } = JSON.parse(raw) as { quirks: Quirks; image: string };
    return new Podman(quirks, image);
  }

  toEnv(): Record<string, string> {
    return { [ENV]: JSON.stringify({ quirks: this.quirks, image: this.image }) };
  }

  /** `podman <global flags> ...args`. */
  argv(args: readonly string[]): string[] {
    return ['podman', ...this.quirks.global, ...args];
  }

  /** Flags every `podman run` / `podman build` of ours gets. */
  containerFlags(): string[] {
    return [...this.quirks.ulimits, ...(this.quirks.network === 'host' ? ['--network', 'host'] : [])];
  }

  run(args: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return run(this.argv(args), opts);
  }

  /** stdout, trimmed; throws unless podman exits 0. */
  async must(args: readonly string[], opts?: RunOptions): Promise<string> {
    return (await must(this.argv(args), opts)).trim();
  }

  async json<T>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.must(args)) as T;
  }
}
