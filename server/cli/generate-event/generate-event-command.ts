// `ephemera generate-event <service> <event> [--flag value ...]`: a sample event as JSON on stdout, for
// `ephemera invoke <function> --event -`. A flag's value comes from the command line, else (region and
// account id) EPHEMERA_REGION / EPHEMERA_ACCOUNT_ID, else the samconfig file's
// [<env>.local_generate_event_<service>_<event>.parameters] over its global ones (as SAM reads them), else the default.
import { OptionsError } from '../../options.ts';
import { commandParameters, environments, locateConfig, readConfig } from '../samconfig.ts';
import { SERVICES } from './catalog.ts';
import { type SampleContext, type SampleEvent, realContext } from './sample-event.ts';

export const GENERATE_EVENT_USAGE = 'usage: ephemera generate-event <service> <event> [--flag value ...] [--config-file samconfig.toml] [--config-env default]';

/** What to print: the event, or a help text. */
export interface Generated {
  text: string;
}

const HELP = new Set(['--help', '-h', 'help']);
const ENV_DEFAULTS: Readonly<Record<string, string>> = { region: 'EPHEMERA_REGION', 'account-id': 'EPHEMERA_ACCOUNT_ID' };

export function generateEvent(argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), ctx: SampleContext = realContext()): Generated {
  const [serviceName, eventName, ...rest] = argv;
  if (serviceName === undefined || HELP.has(serviceName)) return { text: `${servicesHelp()}\n` };
  const service = SERVICES[serviceName];
  if (!service) throw new OptionsError(`generate-event: unknown service '${serviceName}' (known: ${Object.keys(SERVICES).join(', ')})`);
  if (eventName === undefined || HELP.has(eventName)) return { text: `${serviceHelp(serviceName)}\n` };
  const sample = service.events[eventName];
  if (!sample) throw new OptionsError(`generate-event ${serviceName}: unknown event '${eventName}' (known: ${Object.keys(service.events).join(', ')})`);
  if (rest.some((a) => a === '--help' || a === '-h')) return { text: `${eventHelp(serviceName, eventName, sample)}\n` };
  const given = parseFlags(rest, sample, `${serviceName} ${eventName}`);
  const config = configValues(given, sample, `local_generate_event_${serviceName}_${eventName}`.replaceAll('-', '_'), cwd);
  const fromEnv = Object.fromEntries(Object.entries(ENV_DEFAULTS).filter(([flag, name]) => flag in sample.flags && env[name]).map(([flag, name]) => [flag, env[name]!]));
  const values = resolveValues(sample, { ...config, ...fromEnv, ...given.values });
  return { text: `${JSON.stringify(sample.build(values, ctx), null, 2)}\n` };
}

interface GivenFlags {
  values: Record<string, string>;
  configFile?: string;
  configEnv?: string;
}

function parseFlags(argv: string[], sample: SampleEvent, what: string): GivenFlags {
  const out: GivenFlags = { values: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new OptionsError(`generate-event ${what}: unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = sample.flags[flag];
    if (!spec && flag !== 'config-file' && flag !== 'config-env') {
      throw new OptionsError(`generate-event ${what}: unknown option --${flag} (known: ${Object.keys(sample.flags).map((f) => `--${f}`).join(', ')})`);
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : spec?.switch ? 'true' : argv[++i];
    if (value === undefined) throw new OptionsError(`generate-event ${what}: --${flag} needs a value`);
    if (flag === 'config-file') out.configFile = value;
    else if (flag === 'config-env') out.configEnv = value;
    else out.values[flag] = value;
  }
  return out;
}

/** The event's flags from the samconfig file in the current folder (SAM names them with `_`, lower case). */
function configValues(given: GivenFlags, sample: SampleEvent, command: string, cwd: string): Record<string, string> {
  const path = locateConfig(cwd, given.configFile);
  if (!path) return {};
  const config = readConfig(path);
  const envName = given.configEnv ?? 'default';
  if (given.configEnv && !environments(config).includes(envName)) throw new OptionsError(`--config-env: ${path} has no environment '${envName}'`);
  const byKey = new Map(Object.keys(sample.flags).map((f) => [f.replaceAll('-', '_').toLowerCase(), f]));
  const out: Record<string, string> = {};
  for (const { key, value } of commandParameters(config, envName, command)) {
    const flag = byKey.get(key);
    if (flag && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[flag] = String(value);
  }
  return out;
}

/** Every flag's value: the one given, else its default with `{other-flag}` filled in. */
export function resolveValues(sample: SampleEvent, given: Readonly<Record<string, string>>): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [flag, spec] of Object.entries(sample.flags)) plain[flag] = given[flag] ?? spec.default;
  const out: Record<string, string> = {};
  for (const [flag, value] of Object.entries(plain)) {
    out[flag] = flag in given ? value : value.replace(/\{([a-z-]+)\}/g, (m, name: string) => plain[name] ?? m);
  }
  return out;
}

function servicesHelp(): string {
  const width = Math.max(...Object.keys(SERVICES).map((s) => s.length)) + 3;
  return [
    GENERATE_EVENT_USAGE,
    '',
    'Prints a sample event, as the service sends it to a function, for `ephemera invoke <function> --event -`:',
    '  ephemera generate-event sqs receive-message --body \'{"id":1}\' | ephemera invoke MyFunction --event -',
    '',
    'Services (the same names, events and flags as sam local generate-event):',
    ...Object.entries(SERVICES).map(([name, s]) => `  ${name.padEnd(width)}${s.help}: ${Object.keys(s.events).join(', ')}`),
    '',
    '`ephemera generate-event <service> --help` lists its events and their flags.',
  ].join('\n');
}

function flagLines(sample: SampleEvent, indent: string): string[] {
  const synopsis = (flag: string): string => (sample.flags[flag].switch ? `--${flag}` : `--${flag} <value>`);
  const width = Math.max(...Object.keys(sample.flags).map((f) => synopsis(f).length)) + 2;
  return Object.entries(sample.flags).map(([flag, spec]) => `${indent}${synopsis(flag).padEnd(width)}${spec.help} (default ${spec.switch ? spec.default : `'${spec.default}'`})`);
}

function serviceHelp(name: string): string {
  const service = SERVICES[name];
  return [
    `usage: ephemera generate-event ${name} <event> [--flag value ...]`,
    '',
    `Events of ${name} (${service.help}):`,
    ...Object.entries(service.events).flatMap(([event, sample]) => ['', `  ${event}: ${sample.help}`, ...flagLines(sample, '    ')]),
  ].join('\n');
}

function eventHelp(service: string, event: string, sample: SampleEvent): string {
  return [
    `usage: ephemera generate-event ${service} ${event} [--flag value ...]`,
    '',
    `Prints ${sample.help}.`,
    '',
    'Flags:',
    ...flagLines(sample, '  '),
    '',
    `Also --config-file / --config-env: values from [<env>.local_generate_event_${service}_${event.replaceAll('-', '_')}.parameters] of samconfig.toml.`,
  ].join('\n');
}
