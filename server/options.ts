// Command-line and EPHEMERA_* environment options, with defaults, parsed into one typed object.
// Flags win over environment variables; unknown flags and bad values are reported clearly.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IsolationRequest } from './environment/isolation.ts';
import type { LeakMode } from './model.ts';
import { parseParameterOverrides } from './dev/parameter-overrides.ts';
import { allowedHostProblem } from './http/request-guard.ts';
import { endpointServiceId } from './environment/sdk-endpoints.ts';

export const DEFAULT_TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/templates/example.yaml');

export interface Options {
  template: string;
  port: number;
  /** `--api-port`: where API Gateway APIs (and, by Host, function URLs) are served; 0 picks a free port. */
  apiPort: number;
  host: string;
  isolation: IsolationRequest;
  /** Seconds an idle environment is kept. */
  keepAlive: number;
  /** Blank sandboxes kept ready for cold starts (0: none); see docs/internals/sandbox-pool.md. */
  sandboxPool: number;
  /** Seconds INIT may take before it is retried inside the invoke (Lambda: 10 on demand). */
  initTimeout: number;
  maxConcurrency: number;
  region: string;
  accountId: string;
  logLevel: string;
  /** Multiplies AWS's own waits (async retry back-off, throttle back-off); 1 = real time. */
  timeScale: number;
  /** Leak reports: off (no tracking), warn (LEAK lines), error (a leak fails the invocation). */
  leaks: LeakMode;
  /** Watch every function's code and layers; a change retires the function's environments. */
  watch: boolean;
  /** SAM-format env-vars file (`{"Fn": {...}, "Parameters": {...}}`), absolute path. */
  envVars?: string;
  /** Template parameter values (`--parameter-overrides "Key=Value ..."`, SAM's syntax). */
  parameterOverrides: Record<string, string>;
  /** `--debug <function>`: that function's Node runtime starts with the inspector. */
  debug?: string;
  /** `--debug-port`: the inspector's port (default 9229 with --debug). */
  debugPort?: number;
  /** `--sqs-endpoint`: where queue ARNs that are not embedded are read (`aws` or a URL). */
  sqsEndpoint?: string;
  /** `--kinesis-endpoint`: where Kinesis stream ARNs that are not embedded are read (`aws` or a URL). */
  kinesisEndpoint?: string;
  /** `--dynamodbstreams-endpoint`: where DynamoDB stream ARNs that are not embedded are read (`aws` or a URL). */
  dynamodbstreamsEndpoint?: string;
  /** `--data-dir`: where state survives restarts (embedded SQS queues under `<dir>/sqs/`); in memory when unset. */
  dataDir?: string;
  /** `--sdk-endpoints`: point functions' AWS SDKs at the emulator for Lambda, SQS, Kinesis and DynamoDB Streams. */
  sdkEndpoints: boolean;
  /** `--allowed-hosts`: names (lower case) besides localhost and IP addresses that requests may address; `.name` = with subdomains, `*` = any. */
  allowedHosts: string[];
  /** `--config-file`: the SAM configuration file to read (samconfig.toml, .yaml or .yml), as given. */
  configFile?: string;
  /** `--config-env`: the environment read in it (SAM's `default`). */
  configEnv: string;
  /** `--schedules`: `on` fires schedules and scheduled rules on time; `off` only by hand (POST /_ephemera/schedules/{name}/fire). */
  schedules: 'on' | 'off';
  /** `--runtime-path <runtime>=<interpreter>` (repeatable): the interpreter a runtime (`nodejs22.x`, `python3.12`) or family (`nodejs`, `python`) runs on. */
  runtimePaths: Record<string, string>;
  /** `--fetch-runtimes`: a Node major found nowhere on the machine is fetched from the npm registry (node-linux-<arch>) into the cache. */
  fetchRuntimes: boolean;
  /** `--strict-runtimes`: a function whose runtime version or architecture cannot be honoured is a start-up error, not a warning. */
  strictRuntimes: boolean;
  /** `--build-dependencies`: install requirements.txt / package.json dependencies into the build cache, as `sam build` does. */
  buildDependencies: boolean;
  /** `--endpoint-url <service>=<url>` (repeatable): where the functions' AWS SDKs reach a service (AWS_ENDPOINT_URL_<SERVICE>). */
  endpointUrls: Record<string, string>;
}


export const DEFAULTS: Options = {
  template: DEFAULT_TEMPLATE,
  port: 3001,
  apiPort: 3000,
  host: '127.0.0.1',
  isolation: 'auto',
  keepAlive: 300,
  sandboxPool: 2,
  initTimeout: 10,
  maxConcurrency: 1000,
  region: 'us-east-1',
  accountId: '000000000000',
  logLevel: 'info',
  leaks: 'warn',
  timeScale: 1,
  watch: false,
  parameterOverrides: {},
  sdkEndpoints: true,
  allowedHosts: [],
  configEnv: 'default',
  schedules: 'on',
  runtimePaths: {},
  fetchRuntimes: false,
  strictRuntimes: false,
  buildDependencies: true,
  endpointUrls: {},
};

/** A flag or EPHEMERA_* variable that cannot be used: `ephemera` prints the message and exits 1. */
export class OptionsError extends Error {
  readonly code = 'EPH_ERR_OPTIONS';
}

type Kind = 'string' | 'int' | 'isolation' | 'leaks' | 'number' | 'bool' | 'overrides' | 'endpoint' | 'hosts' | 'example' | 'onoff' | 'runtime-paths' | 'endpoint-urls';
export const FLAGS: Readonly<Record<string, { key: keyof Options; kind: Kind }>> = {
  template: { key: 'template', kind: 'string' },
  port: { key: 'port', kind: 'int' },
  'api-port': { key: 'apiPort', kind: 'int' },
  host: { key: 'host', kind: 'string' },
  isolation: { key: 'isolation', kind: 'isolation' },
  'keep-alive': { key: 'keepAlive', kind: 'int' },
  'sandbox-pool': { key: 'sandboxPool', kind: 'int' },
  'init-timeout': { key: 'initTimeout', kind: 'int' },
  'max-concurrency': { key: 'maxConcurrency', kind: 'int' },
  region: { key: 'region', kind: 'string' },
  'account-id': { key: 'accountId', kind: 'string' },
  'log-level': { key: 'logLevel', kind: 'string' },
  leaks: { key: 'leaks', kind: 'leaks' },
  'time-scale': { key: 'timeScale', kind: 'number' },
  watch: { key: 'watch', kind: 'bool' },
  'env-vars': { key: 'envVars', kind: 'string' },
  'parameter-overrides': { key: 'parameterOverrides', kind: 'overrides' },
  debug: { key: 'debug', kind: 'string' },
  'debug-port': { key: 'debugPort', kind: 'int' },
  'sqs-endpoint': { key: 'sqsEndpoint', kind: 'endpoint' },
  'kinesis-endpoint': { key: 'kinesisEndpoint', kind: 'endpoint' },
  'dynamodbstreams-endpoint': { key: 'dynamodbstreamsEndpoint', kind: 'endpoint' },
  'data-dir': { key: 'dataDir', kind: 'string' },
  'sdk-endpoints': { key: 'sdkEndpoints', kind: 'bool' },
  'allowed-hosts': { key: 'allowedHosts', kind: 'hosts' },
  // SAM project conventions (server/cli/project-options.ts): --example is --template <the bundled example>.
  example: { key: 'template', kind: 'example' },
  'config-file': { key: 'configFile', kind: 'string' },
  'config-env': { key: 'configEnv', kind: 'string' },
  schedules: { key: 'schedules', kind: 'onoff' },
  'runtime-path': { key: 'runtimePaths', kind: 'runtime-paths' },
  'fetch-runtimes': { key: 'fetchRuntimes', kind: 'bool' },
  'strict-runtimes': { key: 'strictRuntimes', kind: 'bool' },
  'build-dependencies': { key: 'buildDependencies', kind: 'bool' },
  'endpoint-url': { key: 'endpointUrls', kind: 'endpoint-urls' },
};

/** Flags that may be given several times: their values add up (a later value for the same key wins). */
const ACCUMULATE: ReadonlySet<Kind> = new Set(['overrides', 'runtime-paths', 'endpoint-urls']);

/** Every flag `start` (and `invoke`) takes, without the leading `--`. */
export const FLAG_NAMES: readonly string[] = Object.keys(FLAGS);

/** Flags that take no value unless written `--flag=value`. */
export function isSwitch(flag: string): boolean {
  return FLAGS[flag]?.kind === 'bool' || FLAGS[flag]?.kind === 'example';
}

function convert(flag: string, kind: Kind, raw: string, cwd: string): string | number | boolean | string[] | Record<string, string> | undefined {
  if (kind === 'example') return convert(flag, 'bool', raw, cwd) ? DEFAULT_TEMPLATE : undefined;
  if (kind === 'runtime-paths') return mapPairs(flag, raw, (key, value) => [runtimePathKey(flag, key), resolve(cwd, value)]);
  if (kind === 'endpoint-urls') return mapPairs(flag, raw, (key, value) => [endpointServiceKey(flag, key), endpointUrl(flag, value)]);
  if (kind === 'hosts') {
    const hosts = raw.split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
    const problem = hosts.map(allowedHostProblem).find((p) => p !== undefined);
    if (problem) throw new OptionsError(`--${flag}: ${problem}`);
    return hosts;
  }
  if (kind === 'bool') {
    if (['true', '1', 'yes', 'on', ''].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false;
    throw new OptionsError(`--${flag} is true or false, got '${raw}'`);
  }
  if (kind === 'overrides') {
    try {
      return parseParameterOverrides(raw);
    } catch (err) {
      throw new OptionsError((err as Error).message);
    }
  }
  if (kind === 'int') {
    if (!/^\d+$/.test(raw)) throw new OptionsError(`--${flag} needs a whole number, got '${raw}'`);
    return Number(raw);
  }
  if (kind === 'isolation' && !['auto', 'process', 'namespace', 'cgroup'].includes(raw)) {
    throw new OptionsError(`--isolation must be auto, process, namespace or cgroup, got '${raw}'`);
  }
  if (kind === 'number') {
    const n = Number(raw);
    if (!(n > 0) || !Number.isFinite(n)) throw new OptionsError(`--${flag} needs a positive number, got '${raw}'`);
    return n;
  }
  if (kind === 'endpoint' && raw !== 'aws' && !/^https?:\/\/[^/\s]+/.test(raw)) {
    throw new OptionsError(`--${flag} must be aws or an http(s) URL, got '${raw}'`);
  }
  if (kind === 'onoff' && raw !== 'on' && raw !== 'off') throw new OptionsError(`--${flag} must be on or off, got '${raw}'`);
  if (kind === 'leaks' && !['off', 'warn', 'error'].includes(raw)) {
    throw new OptionsError(`--leaks must be off, warn or error, got '${raw}'`);
  }
  return raw;
}

/** One flag value from one source, as given; `from` names a source other than the command line. */
export interface FlagValue {
  flag: string;
  value: string;
  from?: string;
}

/** `--flag value` / `--flag=value` arguments, in order (unknown flags and missing values are errors). */
export function argvValues(argv: string[]): FlagValue[] {
  const out: FlagValue[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new OptionsError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    if (!FLAGS[flag]) throw new OptionsError(`unknown option --${flag} (known: ${FLAG_NAMES.map((f) => `--${f}`).join(', ')})`);
    // A boolean flag takes no value unless written --flag=value.
    const value = eq < 0 ? (isSwitch(flag) ? 'true' : argv[++i]) : arg.slice(eq + 1);
    if (value === undefined) throw new OptionsError(`--${flag} needs a value`);
    out.push({ flag, value });
  }
  return out;
}

/** The EPHEMERA_<FLAG> variables that are set. */
export function envValues(env: NodeJS.ProcessEnv): FlagValue[] {
  const out: FlagValue[] = [];
  for (const flag of FLAG_NAMES) {
    const name = `EPHEMERA_${flag.toUpperCase().replaceAll('-', '_')}`;
    const v = env[name];
    if (v !== undefined && v !== '') out.push({ flag, value: v, from: name });
  }
  return out;
}

/**
 * Parse `--flag value` / `--flag=value` arguments on top of EPHEMERA_<FLAG> variables, on top of
 * `config` (values from a SAM configuration file), on top of the defaults; relative paths from `cwd`.
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env, config: FlagValue[] = [], cwd = process.cwd()): Options {
  const out: Record<string, unknown> = { ...DEFAULTS };
  const given = [...envValues(env), ...argvValues(argv)];
  // A value given on the command line or in the environment replaces the file's, which is then not read
  // at all (as with SAM, where the file only supplies defaults): --parameter-overrides too.
  const givenKeys = new Set(given.map((v) => FLAGS[v.flag].key));
  const fromConfig = config.filter((v) => !givenKeys.has(FLAGS[v.flag].key));
  for (const { flag, value, from } of [...fromConfig, ...given]) {
    const { key, kind } = FLAGS[flag];
    let converted: ReturnType<typeof convert>;
    try {
      converted = convert(flag, kind, value, cwd);
    } catch (err) {
      throw from && err instanceof OptionsError ? new OptionsError(`${from}: ${err.message}`) : err;
    }
    if (converted === undefined) continue;
    // --parameter-overrides, --runtime-path and --endpoint-url may be given several times: the pairs add up.
    out[key] = ACCUMULATE.has(kind) ? { ...(out[key] as Record<string, string>), ...(converted as Record<string, string>) } : converted;
  }
  const options = out as unknown as Options;
  options.template = resolve(cwd, options.template);
  if (options.dataDir !== undefined) options.dataDir = resolve(cwd, options.dataDir);
  if (options.envVars !== undefined) options.envVars = resolve(cwd, options.envVars);
  if (options.initTimeout < 1) throw new OptionsError('--init-timeout must be at least 1 second');
  if (options.port > 65535) throw new OptionsError(`--port must be at most 65535, got ${options.port}`);
  if (options.apiPort > 65535) throw new OptionsError(`--api-port must be at most 65535, got ${options.apiPort}`);
  if (!/^\d{12}$/.test(options.accountId)) throw new OptionsError(`--account-id must be 12 digits, got '${options.accountId}'`);
  return options;
}

/**
 * `key=value` pairs, comma-separated (one flag may carry several, as its EPHEMERA_ variable does), each
 * checked and normalised by `pair`.
 */
function mapPairs(flag: string, raw: string, pair: (key: string, value: string) => [string, string]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) throw new OptionsError(`--${flag} takes <name>=<value>, got '${item}'`);
    const [k, v] = pair(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
    out[k] = v;
  }
  return out;
}

/** `nodejs22.x`, `python3.12`, or a whole family: `nodejs`, `python`. */
function runtimePathKey(flag: string, key: string): string {
  if (/^(nodejs(\d+)\.x|python3\.\d+|nodejs|python)$/.test(key)) return key;
  throw new OptionsError(`--${flag}: '${key}' is not a runtime: use nodejs22.x, python3.12 (one version) or nodejs, python (every version)`);
}

/** The service part of AWS_ENDPOINT_URL_<SERVICE>: `dynamodb`, `secretsmanager`, `Secrets Manager` → DYNAMODB, SECRETS_MANAGER. */
function endpointServiceKey(flag: string, key: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9 _-]*$/.test(key)) return endpointServiceId(key);
  throw new OptionsError(`--${flag}: '${key}' is not a service name (e.g. dynamodb, s3, secretsmanager)`);
}

function endpointUrl(flag: string, url: string): string {
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new OptionsError(`--${flag} needs an http(s) URL, got '${url}'`);
  return url;
}
