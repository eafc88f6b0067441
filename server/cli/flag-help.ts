// The one-line help of every flag of `ephemera start` (and so `invoke`), grouped, with the value it
// takes; `--help` renders it with the defaults from options.ts. test/unit/cli-help.test.ts checks that
// every flag has an entry here and a row in docs/reference/command-line.md, so help and docs cannot drift.
import { DEFAULTS, FLAGS, type Options } from '../options.ts';

export interface FlagHelp {
  group: 'project' | 'listen' | 'environments' | 'runtimes' | 'dev' | 'services';
  /** What the value looks like (`<port>`, `auto|process|...`); none for a switch. */
  value?: string;
  text: string;
  /** Shown instead of the default from DEFAULTS (when that one says nothing useful). */
  defaultText?: string;
}

export const GROUP_TITLES: Readonly<Record<FlagHelp['group'], string>> = {
  project: 'The project (SAM conventions)',
  listen: 'Where it listens',
  environments: 'Execution environments',
  runtimes: 'What functions run on',
  dev: 'The development loop',
  services: 'Event sources and the functions\' own AWS calls',
};

export const FLAG_HELP: Readonly<Record<string, FlagHelp>> = {
  template: { group: 'project', value: 'file', text: 'the SAM template to serve', defaultText: 'the one sam local picks in this folder' },
  example: { group: 'project', text: 'serve the bundled example template (what npm start serves in a clone)' },
  'config-file': { group: 'project', value: 'file', text: 'the SAM configuration file to read', defaultText: 'samconfig.toml/.yaml/.yml beside the template' },
  'config-env': { group: 'project', value: 'name', text: 'the environment read in the configuration file' },
  'parameter-overrides': { group: 'project', value: 'K=V ...', text: 'template parameter values, SAM\'s syntax; may be repeated' },
  'env-vars': { group: 'project', value: 'file', text: 'SAM-format JSON file of environment variable values' },
  region: { group: 'project', value: 'region', text: 'the region in ARNs and AWS_REGION' },
  'account-id': { group: 'project', value: '12 digits', text: 'the account id in ARNs' },
  port: { group: 'listen', value: 'port', text: 'where the Lambda API, the SQS/Kinesis/DynamoDB Streams APIs and /_ephemera listen (0: a free port)' },
  'api-port': { group: 'listen', value: 'port', text: 'where the template\'s API Gateway APIs (and function URLs, by Host) answer (0: a free port)' },
  host: { group: 'listen', value: 'address', text: 'the address to listen on (loopback unless you mean otherwise)' },
  'allowed-hosts': { group: 'listen', value: 'hosts', text: 'Host names besides localhost and IP addresses that requests may address (* any)' },
  'log-level': { group: 'listen', value: 'level', text: 'the emulator\'s own logs: trace, debug, info, warn, error' },
  isolation: { group: 'environments', value: 'level', text: 'auto, process, namespace or cgroup: how environments are kept apart' },
  'keep-alive': { group: 'environments', value: 'seconds', text: 'how long an idle (frozen) environment is kept' },
  'sandbox-pool': { group: 'environments', value: 'n', text: 'blank sandboxes kept ready for cold starts of the runtimes in use (0: off; default 2)' },
  'init-timeout': { group: 'environments', value: 'seconds', text: 'how long INIT may take before it is retried in the invoke' },
  'max-concurrency': { group: 'environments', value: 'n', text: 'the account concurrency limit' },
  leaks: { group: 'environments', value: 'mode', text: 'off, warn or error: what to do about work an invocation leaves running' },
  'time-scale': { group: 'environments', value: 'factor', text: 'multiplies AWS\'s own waits (retry back-off, pollers); e.g. 0.01 in tests' },
  'runtime-path': { group: 'runtimes', value: 'runtime=path', text: 'the interpreter a runtime (nodejs22.x, python3.12) or family (nodejs, python) runs on; may be repeated' },
  'fetch-runtimes': { group: 'runtimes', text: 'fetch a Node major found nowhere here from the npm registry (node-linux-<arch>) into the cache' },
  'strict-runtimes': { group: 'runtimes', text: 'a runtime version or architecture that cannot be honoured stops start-up instead of a warning' },
  'build-dependencies': { group: 'runtimes', text: 'install requirements.txt / package.json dependencies into the build cache, as sam build does (=false: off)' },
  watch: { group: 'dev', text: 'reload a function\'s environments when its code or layers change' },
  debug: { group: 'dev', value: 'function', text: 'start that function\'s runtime with a debugger listening (Node\'s inspector, Python\'s debugpy)' },
  'debug-port': { group: 'dev', value: 'port', text: 'the debugger\'s port', defaultText: '9229 with --debug' },
  'data-dir': { group: 'services', value: 'dir', text: 'keep embedded SQS queues and messages across restarts', defaultText: 'in memory' },
  'sqs-endpoint': { group: 'services', value: 'aws|URL', text: 'where queue ARNs that are not embedded are read' },
  'kinesis-endpoint': { group: 'services', value: 'aws|URL', text: 'where Kinesis stream ARNs that are not embedded are read' },
  'dynamodbstreams-endpoint': { group: 'services', value: 'aws|URL', text: 'where DynamoDB stream ARNs that are not embedded are read' },
  'sdk-endpoints': { group: 'services', text: 'point the functions\' AWS SDKs at the emulator (--sdk-endpoints=false: off)' },
  schedules: { group: 'services', value: 'on|off', text: 'fire schedules and scheduled rules on time (off: only through POST /_ephemera/schedules/{name}/fire)' },
  'endpoint-url': { group: 'services', value: 'service=URL', text: 'where the functions\' AWS SDKs reach a service ephemera does not emulate (dynamodb=http://localhost:8000); may be repeated' },
};

/** `--port <port>`, `--watch`. */
export function flagSynopsis(flag: string): string {
  const value = FLAG_HELP[flag]?.value;
  return value ? `--${flag} <${value}>` : `--${flag}`;
}

/** The default as help shows it, if there is one worth showing. */
export function flagDefault(flag: string): string | undefined {
  const help = FLAG_HELP[flag];
  if (help?.defaultText) return help.defaultText;
  const value = DEFAULTS[FLAGS[flag].key as keyof Options];
  if (value === undefined || typeof value === 'object' || FLAGS[flag].kind === 'example') return undefined;
  return String(value);
}

/** The flags of `start`, grouped, one per line: `  --port <port>   where ... (default 3001)`. */
export function renderFlags(): string {
  const groups = new Map<FlagHelp['group'], string[]>();
  const width = Math.max(...Object.keys(FLAGS).map((f) => flagSynopsis(f).length)) + 2;
  // In this table's order; a flag without help text (a new one) still shows, and the unit test names it.
  const flags = [...Object.keys(FLAG_HELP).filter((f) => f in FLAGS), ...Object.keys(FLAGS).filter((f) => !(f in FLAG_HELP))];
  for (const flag of flags) {
    const help = FLAG_HELP[flag];
    const group = help?.group ?? 'listen';
    const fallback = help?.text ?? '(no help text yet)';
    const def = flagDefault(flag);
    const line = `  ${flagSynopsis(flag).padEnd(width)}${fallback}${def ? ` (default ${def})` : ''}`;
    groups.set(group, [...(groups.get(group) ?? []), line]);
  }
  return (Object.keys(GROUP_TITLES) as Array<FlagHelp['group']>)
    .filter((g) => groups.has(g))
    .map((g) => `${GROUP_TITLES[g]}:\n${groups.get(g)!.join('\n')}`)
    .join('\n\n');
}
