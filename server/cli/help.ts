// The help texts: `ephemera --help` (the commands), `ephemera start --help` (every flag, from
// flag-help.ts), `ephemera invoke --help`, and the version line. generate-event renders its own help
// from its catalog (generate-event/generate-event-command.ts).
import { readFileSync } from 'node:fs';
import { renderFlags } from './flag-help.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const COMMANDS: Readonly<Record<string, string>> = {
  start: 'serve the template\'s functions (the default command)',
  invoke: 'run one function once: its result on stdout, its log on stderr',
  'generate-event': 'print a sample event of an AWS service, for invoke --event -',
  help: 'this text, or a command\'s (ephemera help <command>)',
  version: 'print the version (also --version)',
};

export function mainHelp(): string {
  return [
    `ephemera ${VERSION}: a local AWS Lambda emulator (real worker processes, the real Runtime API)`,
    '',
    'usage: ephemera <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(16)}${text}`),
    '',
    'In a SAM project folder ephemera serves what sam local would: the template in the folder (or sam',
    'build\'s output) and the local commands\' parameters in samconfig.toml.',
    '`ephemera <command> --help` lists a command\'s flags; docs/reference/command-line.md has them all.',
  ].join('\n');
}

export function startHelp(): string {
  return [
    'usage: ephemera start [flags]',
    '',
    'Serves the template\'s functions: the Lambda API (invoke, management, event source mappings), the',
    'embedded SQS, Kinesis and DynamoDB Streams APIs and the web view at /_ephemera/, all on --port; the',
    'template\'s API Gateway APIs on --api-port, its function URLs each on a port of its own.',
    '',
    renderFlags(),
    '',
    'A flag is written --flag value or --flag=value. Every flag can also be set as EPHEMERA_<FLAG>',
    '(EPHEMERA_PORT=3001). Precedence: flag, then EPHEMERA_* variable, then samconfig',
    '([default.local_start_lambda.parameters] over [default.local_start_api.parameters], over',
    '[default.global.parameters]), then the default.',
  ].join('\n');
}

export function invokeHelp(): string {
  return [
    'usage: ephemera invoke [<function>] [--event file.json | --event -] [start flags]',
    '',
    'Runs one invocation and exits: the function\'s result on stdout, its log (START..REPORT) on stderr.',
    'Goes through the emulator listening on --port when there is one; else runs the template in-process.',
    '',
    '  <function>                the function\'s name or logical id (optional when the template has one)',
    '  --event, -e <file>        the event: a JSON file, or - for standard input (default {})',
    '  every flag of ephemera start (ephemera start --help), e.g. --template, --env-vars, --parameter-overrides',
    '',
    'samconfig: [default.local_invoke.parameters] (template_file, parameter_overrides, env_vars, event, ...),',
    'and local_start_lambda\'s port and host to find a running emulator.',
    'Exit code: 0 success, 1 the function failed (or a bad flag or template), 2 the request was rejected.',
    '',
    'Example: ephemera generate-event sqs receive-message | ephemera invoke MyFunction --event -',
  ].join('\n');
}
