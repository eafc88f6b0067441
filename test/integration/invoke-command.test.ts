// `ephemera invoke` as a real child process: the result on stdout, START..REPORT on stderr, exit
// codes, --event from a file or stdin, --env-vars and --parameter-overrides applied, no process left
// behind when it ran the function in-process; and through an emulator already listening on --port.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, fixture, startEmulator } from '../helpers/emulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'ephemera-invoke-'));
const TEMPLATE = fixture('templates/dev-loop.yaml');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ephemera(args: string[], stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/ephemera.mjs'), ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.once('close', (code) => {
    clearTimeout(timer);
    resolve({ code, stdout, stderr });
  }));
}

/** PIDs of processes whose environment holds this exact variable (the function's workers). */
function processesWith(variable: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(variable);
    } catch {
      return false;
    }
  }).map(Number);
}

interface Echo {
  event: unknown;
  requestId: string;
  env: Record<string, string>;
}

describe('ephemera invoke (in-process)', () => {
  it('prints the result on stdout and the log on stderr, applies --env-vars and --parameter-overrides, leaves no process', async () => {
    const marker = `marker-${process.pid}-${Date.now()}`;
    writeFileSync(join(dir, 'event.json'), '{"from":"file"}');
    writeFileSync(join(dir, 'env.json'), JSON.stringify({
      Parameters: { MY_COLOUR: 'red', MY_MARKER: 'from-parameters' },
      EchoFunction: { MY_MARKER: marker, NOT_DECLARED: 'x' },
    }));
    const port = await freePort(); // nothing listens there: the emulator runs in-process
    const run = await ephemera([
      'invoke', 'echo', '--event', join(dir, 'event.json'), '--template', TEMPLATE, '--port', String(port),
      '--env-vars', join(dir, 'env.json'), '--parameter-overrides', 'Stage=prod Greeting="good morning"',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as Echo;
    expect(result.event).toEqual({ from: 'file' });
    expect(result.env).toMatchObject({ MY_STAGE: 'prod', MY_GREETING: 'good morning from prod', MY_MARKER: marker, MY_COLOUR: 'red' });
    expect(result.env.NOT_DECLARED).toBeUndefined();
    const lines = run.stderr.trim().split('\n');
    expect(lines.some((l) => l.startsWith(`START RequestId: ${result.requestId} Version: $LATEST`))).toBe(true);
    expect(lines.some((l) => l === `END RequestId: ${result.requestId}`)).toBe(true);
    expect(lines.some((l) => l.startsWith(`REPORT RequestId: ${result.requestId}\tDuration: `))).toBe(true);
    expect(processesWith(`MY_MARKER=${marker}`)).toEqual([]);
  });

  it("the function's own AWS SDK calls reach the in-process emulator (--sdk-endpoints): a template queue takes a message", async () => {
    const app = join(dir, 'calls-home');
    mkdirSync(join(app, 'code'), { recursive: true });
    writeFileSync(join(app, 'code', 'index.mjs'), [
      'export const handler = async () => {',
      '  // What the JS SDK does for SendMessage: a JSON-protocol POST to the queue URL\'s host.',
      '  const res = await fetch(process.env.QUEUE_URL, {',
      "    method: 'POST',",
      "    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AmazonSQS.SendMessage' },",
      "    body: JSON.stringify({ QueueUrl: process.env.QUEUE_URL, MessageBody: 'hello' }),",
      '  });',
      '  return { endpoint: process.env.AWS_ENDPOINT_URL_SQS, queueUrl: process.env.QUEUE_URL, status: res.status, body: await res.json() };',
      '};',
      '',
    ].join('\n'));
    writeFileSync(join(app, 'template.yaml'), [
      'Resources:',
      '  CallsHome:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      { FunctionName: calls-home, CodeUri: code, Handler: index.handler, Runtime: nodejs24.x, Timeout: 10,',
      '        Environment: { Variables: { QUEUE_URL: !Ref Jobs } } }',
      '  Jobs:',
      '    Type: AWS::SQS::Queue',
      '    Properties: { QueueName: jobs }',
    ].join('\n'));
    const run = await ephemera(['invoke', 'calls-home', '--template', join(app, 'template.yaml'), '--port', String(await freePort())]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { endpoint: string; queueUrl: string; status: number; body: { MessageId?: string } };
    expect(result.queueUrl.startsWith(`${result.endpoint}/`)).toBe(true);
    expect(result.status).toBe(200);
    expect(result.body.MessageId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the event from stdin with --event -', async () => {
    const run = await ephemera(['invoke', 'echo-too', '--event', '-', '--template', TEMPLATE, '--port', String(await freePort())], '{"from":"stdin"}');
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Echo).event).toEqual({ from: 'stdin' });
  });

  it('exits 1 when the function fails, with the error payload on stdout', async () => {
    const run = await ephemera(['invoke', 'throws', '--template', TEMPLATE, '--port', String(await freePort())]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ errorType: 'MyError', errorMessage: 'boom: no reason' });
    expect(run.stderr).toContain('Invoke Error');
  });

  it('exits 2 with the API error when the function does not exist', async () => {
    const run = await ephemera(['invoke', 'nope', '--template', TEMPLATE, '--port', String(await freePort())]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Function not found');
  });

  it('reports a bad --parameter-overrides value and exits 1 without starting', async () => {
    const run = await ephemera(['invoke', 'echo', '--template', TEMPLATE, '--port', String(await freePort()), '--parameter-overrides', 'Stage=staging']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("override value 'staging' is not one of AllowedValues [dev, prod]");
  });
});

describe('ephemera invoke (through a running emulator)', () => {
  it('invokes through the emulator listening on --port', async () => {
    const em = await startEmulator(TEMPLATE);
    try {
      const port = new URL(em.url).port;
      const run = await ephemera(['invoke', 'echo', '--port', port], '');
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout) as Echo;
      expect(run.stderr).toContain(`through the emulator at http://127.0.0.1:${port}`);
      expect(run.stderr).toContain(`REPORT RequestId: ${result.requestId}`);
      // The running emulator ran it.
      expect(em.lines.some((l) => l.fn === 'echo' && l.text.startsWith(`START RequestId: ${result.requestId}`))).toBe(true);
    } finally {
      expect(await em.stopChecked()).toEqual([]);
    }
  });
});
