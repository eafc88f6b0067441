// The real CLI (bin/ephemera.mjs) in a temporary SAM project folder (template.yaml + samconfig.toml +
// events/): --version and --help, start serving ./template.yaml on samconfig's port, invoke without
// --template (through the running emulator and in-process), Function not found naming the template,
// a one-line error for a port in use, generate-event piped into invoke, and every generate-event sample
// invoking a handler that reads it as a real handler for its source would (fixtures/functions/event-shapes):
// the samples as the command builds them, sent to the running emulator (one process per sample would
// spend ~1 s of CPU each proving the same pipe again).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEvents } from '../../server/cli/generate-event/catalog.ts';
import { generateEvent } from '../../server/cli/generate-event/generate-event-command.ts';
import { type CliServer, cleanEnv, killStarted, startCli, stopCli } from '../helpers/cli-server.ts';
import { ROOT, fixture } from '../helpers/emulator.ts';

const BIN = join(ROOT, 'bin/ephemera.mjs');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const project = mkdtempSync(join(tmpdir(), 'ephemera-sam-project-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ephemera(args: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? project, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(opts.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}

function listening(): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      resolve({ port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

let port: number;

beforeAll(async () => {
  const free = await listening();
  port = free.port;
  await free.close();
  mkdirSync(join(project, 'events'));
  writeFileSync(join(project, 'template.yaml'), [
    'Transform: AWS::Serverless-2016-10-31',
    'Parameters:',
    '  Greeting: { Type: String, Default: hello }',
    'Resources:',
    '  HelloWorldFunction:',
    '    Type: AWS::Serverless::Function',
    `    Properties: { CodeUri: ${fixture('functions/echo')}, Handler: index.handler, Runtime: nodejs22.x, Environment: { Variables: { MY_GREETING: !Ref Greeting } } }`,
    '  ShapesFunction:',
    '    Type: AWS::Serverless::Function',
    `    Properties: { FunctionName: event-shapes, CodeUri: ${fixture('functions/event-shapes')}, Handler: index.handler, Runtime: nodejs22.x }`,
    '',
  ].join('\n'));
  writeFileSync(join(project, 'samconfig.toml'), [
    'version = 0.1',
    '[default.global.parameters]',
    'stack_name = "sam-app"',
    '[default.local_start_lambda.parameters]',
    `port = ${port}`,
    'warm_containers = "EAGER"',
    '[default.local_invoke.parameters]',
    'parameter_overrides = ["Greeting=bonjour"]',
    '',
  ].join('\n'));
  writeFileSync(join(project, 'events/event.json'), '{"from":"events/event.json"}');
});

afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the command line', () => {
  it('--version, --help, help <command> and <command> --help', async () => {
    // Independent processes, run at once: each spends most of its time starting Node.
    const [version, help, start, startHelp, invokeHelp, services, sqs] = await Promise.all([
      ['--version'], ['--help'], ['help', 'start'], ['start', '--help'], ['invoke', '--help'], ['generate-event', '--help'], ['generate-event', 'sqs', '--help'],
    ].map((args) => ephemera(args)));
    expect(version.stdout).toBe(`ephemera ${VERSION}\n`);
    expect(help.code).toBe(0);
    for (const command of ['start', 'invoke', 'generate-event', 'help', 'version']) expect(help.stdout).toContain(`  ${command} `);
    expect(start.stdout).toMatch(/--port <port> +.*\(default 3001\)/);
    expect(start.stdout).toContain('--config-env <name>');
    expect(startHelp.stdout).toBe(start.stdout);
    expect(invokeHelp.stdout).toContain('--event, -e <file>');
    expect(services.stdout).toMatch(/^ {2}sqs +Amazon SQS: receive-message$/m);
    expect(sqs.stdout).toContain('receive-message:');
    expect(sqs.stdout).toMatch(/--queue-name <value> +the queue's name \(default 'MyQueue'\)/);
  }, 30_000);

  it('names the problem in one line: no template, unknown command, unknown flag', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'ephemera-empty-'));
    try {
      const [none, stop, send] = await Promise.all([ephemera(['start'], { cwd: empty }), ephemera(['stop']), ephemera(['generate-event', 'sqs', 'send'])]);
      expect(none.code).toBe(1);
      expect(none.stderr).toBe(`ephemera: no SAM template here: looked for .aws-sam/build/template.yaml, template.yaml, template.yml, template.json in ${empty}. Name one with --template <file>, or serve the bundled example with --example\n`);
      expect(stop.stderr).toMatch(/^ephemera: unknown command 'stop' .*\n$/);
      expect(send.stderr).toBe("ephemera: generate-event sqs: unknown event 'send' (known: receive-message)\n");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);

  it('says in one line that the port is in use, and leaves nothing running', async () => {
    const occupied = await listening();
    try {
      const run = await ephemera(['start', '--port', String(occupied.port), '--isolation', 'process']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`ephemera: port ${occupied.port} is in use on 127.0.0.1; pick another with --port\n`);
    } finally {
      await occupied.close();
    }
  }, 30_000);

  it('invokes in-process without --template: the folder\'s template, samconfig\'s overrides, by logical id', async () => {
    const free = String((await listening().then(async (l) => (await l.close(), l))).port);
    const [run, missing] = await Promise.all([ephemera(['invoke', 'HelloWorldFunction', '--event', 'events/event.json', '--port', free]), ephemera(['invoke', 'Nope', '--port', '1'])]);
    expect(run.stderr).not.toMatch(/^ephemera:/m);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { event: unknown; env: Record<string, string> };
    expect(result.event).toEqual({ from: 'events/event.json' });
    expect(result.env.MY_GREETING).toBe('bonjour');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ephemera: Function not found: Nope is not in template.yaml (found in ');
    expect(missing.stderr).toContain('its functions: HelloWorldFunction, event-shapes (ShapesFunction)');
  }, 30_000);
});

describe('ephemera start in a SAM project folder', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCli(process.execPath, [BIN, 'start', '--isolation', 'process'], { cwd: project });
  }, 20_000);
  afterAll(async () => {
    try {
      const stopped = await stopCli(server);
      expect(stopped.code).toBe(0);
      expect(stopped.orphans).toEqual([]);
    } finally {
      killStarted();
    }
  }, 20_000);

  it('serves ./template.yaml on samconfig\'s port and says where both came from', () => {
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const log = server.stdout.join('');
    expect(log).toContain(`"msg":"template: template.yaml (found in ${project}, as sam local does)"`);
    expect(log).toContain('"msg":"read samconfig.toml [default]: port (local_start_lambda)"');
    expect(log).toContain('samconfig.toml: not used by ephemera: stack_name, warm_containers (environments are always kept warm and reused, as with LAZY)');
  });

  it('invoke goes through it (samconfig\'s start-lambda port) and lists its functions when one is missing', async () => {
    const [run, missing] = await Promise.all([ephemera(['invoke', 'HelloWorldFunction', '-e', 'events/event.json']), ephemera(['invoke', 'Nope'])]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`ephemera: invoking HelloWorldFunction through the emulator at http://127.0.0.1:${port}`);
    expect((JSON.parse(run.stdout) as { event: unknown }).event).toEqual({ from: 'events/event.json' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`ephemera: Function not found: Nope is not served by the emulator at http://127.0.0.1:${port}; its functions: event-shapes, HelloWorldFunction`);
  }, 30_000);

  it('generate-event | invoke --event -: the sample reaches a handler that reads it', async () => {
    const generated = await ephemera(['generate-event', 'sqs', 'receive-message']);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    const run = await ephemera(['invoke', 'event-shapes', '--event', '-'], { stdin: generated.stdout });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ kind: 'sqs', records: 1 });
  }, 30_000);

  it.each(allEvents().map((e) => [`${e.service} ${e.event}`, e.service, e.event]))('generate-event %s reaches a handler that reads it', async (_name, service, event) => {
    const generated = generateEvent([service, event], cleanEnv(), project);
    const res = await fetch(`${server.local}/2015-03-31/functions/event-shapes/invocations`, { method: 'POST', body: generated.text });
    const answer = await res.text();
    expect(res.headers.get('x-amz-function-error'), answer).toBeNull();
    expect(answer).not.toContain('bad event');
    expect(JSON.parse(answer)).toMatchObject({ kind: expect.any(String), records: expect.any(Number) });
  });
});
