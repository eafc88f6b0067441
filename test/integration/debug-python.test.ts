// --debug <function> for a Python function, with the real debugpy (Debian's python3-debugpy, which
// .ci/run installs): its runtime listens on 127.0.0.1:<port>, a DAP client attaches to it (initialize,
// attach: debugpy reports the runtime's process; a breakpoint in the handler is hit, at the source's host
// path, and the invoke goes on when the client continues), the timeout is suspended while the client is
// attached and applies again once it has gone; without debugpy start-up stops with how to install it.
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectorAttached } from '../../server/build/inspector.ts';
import { defaultRuntimes } from '../../server/environment/runtimes.ts';
import { startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';
import { freePort } from '../helpers/free-port.ts';
import { type Project, makeProject } from '../helpers/project.ts';

const python = defaultRuntimes().resolve('python3.11');
const PY = 'interpreter' in python ? `python${python.interpreter.version.split('.').slice(0, 2).join('.')}` : 'python3.11';
const skip = 'interpreter' in python && python.interpreter.modules?.includes('debugpy') ? '' : `no debugpy for ${PY} (apt install python3-debugpy)`;
if (skip) console.warn(`Python debugging tests skipped: ${skip}`);

/** A minimal Debug Adapter Protocol client: Content-Length framed JSON over TCP. */
class DapClient {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private seq = 1;
  readonly messages: Array<{ type: string; command?: string; event?: string; success?: boolean; body?: Record<string, unknown> }> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const end = this.buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
        if (this.buffer.length < end + 4 + length) return;
        this.messages.push(JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString()));
        this.buffer = this.buffer.subarray(end + 4 + length);
      }
    });
  }

  static connect(port: number): Promise<DapClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new DapClient(socket)));
      socket.once('error', reject);
    });
  }

  send(command: string, args: Record<string, unknown> = {}): void {
    const body = JSON.stringify({ seq: this.seq++, type: 'request', command, arguments: args });
    this.socket.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }
}

describe.skipIf(skip !== '')('--debug for a Python function (debugpy)', () => {
  let project: Project;
  let em: TestEmulator;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    project = makeProject('debug-python', {
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Sleepy:
    Type: AWS::Serverless::Function
    Properties: { FunctionName: sleepy-py, Runtime: ${PY}, Handler: app.handler, CodeUri: fn, Timeout: 1 }
`,
      'fn/app.py': 'import time\ndef handler(event, context):\n    time.sleep(event.get("sleepMs", 0) / 1000)\n    return {"slept": True}\n',
    });
    em = await startEmulator(project.path('template.yaml'), { debug: 'sleepy-py', debugPort: port });
  });
  afterAll(async () => {
    expect(await em?.stopChecked()).toEqual([]);
    project.remove();
  });

  it('the runtime listens for a debugger; a DAP client attaches to it', async () => {
    expect(em.eph.debugTarget).toEqual({ functionName: 'sleepy-py', port });
    expect((await em.invoke('sleepy-py', { sleepMs: 1 })).json()).toEqual({ slept: true });
    const dap = await DapClient.connect(port);
    try {
      dap.send('initialize', { clientID: 'ephemera-test', adapterID: 'debugpy', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
      await waitFor(() => dap.messages.find((m) => m.command === 'initialize'), 10_000);
      // In a namespace sandbox the code is at /var/task: the mapping the docs give for VS Code.
      const sandboxed = (await (await fetch(`${em.url}/_ephemera/health`)).json() as { isolation: string }).isolation !== 'process';
      const pathMappings = sandboxed ? [{ localRoot: project.path('fn'), remoteRoot: '/var/task' }] : [];
      dap.send('attach', { justMyCode: false, pathMappings });
      await waitFor(() => dap.messages.find((m) => m.event === 'initialized'), 10_000);
      dap.send('setBreakpoints', { source: { path: project.path('fn/app.py') }, breakpoints: [{ line: 4 }] });
      await waitFor(() => dap.messages.find((m) => m.command === 'setBreakpoints'), 10_000);
      dap.send('configurationDone');
      const proc = await waitFor(() => dap.messages.find((m) => m.event === 'process'), 15_000);
      expect(dap.messages.find((m) => m.command === 'attach')?.success).toBe(true);
      expect(String(proc.body?.name)).toMatch(/bootstrap\.py$/);
      await waitFor(() => inspectorAttached(port), 5000);
      // The handler stops at the breakpoint (the host path of its source, through the mapping); it goes on when told.
      const stoppedAt = em.invoke('sleepy-py', { sleepMs: 1 });
      const stopped = await waitFor(() => dap.messages.find((m) => m.event === 'stopped'), 15_000);
      expect(stopped.body?.reason).toBe('breakpoint');
      dap.send('stackTrace', { threadId: stopped.body?.threadId, levels: 1 });
      const trace = await waitFor(() => dap.messages.find((m) => m.command === 'stackTrace'), 10_000);
      const [frame] = (trace.body?.stackFrames ?? []) as Array<{ line: number; source: { path: string } }>;
      expect(frame).toMatchObject({ line: 4, source: { path: project.path('fn/app.py') } });
      dap.send('setBreakpoints', { source: { path: project.path('fn/app.py') }, breakpoints: [] });
      dap.send('continue', { threadId: stopped.body?.threadId });
      expect((await stoppedAt).json()).toEqual({ slept: true });
      // Timeout 1 s: with the debugger attached a 2.5 s invoke completes.
      const res = await em.invoke('sleepy-py', { sleepMs: 2500 });
      expect(res.headers.get('x-amz-function-error'), res.body).toBeNull();
      expect(res.json()).toEqual({ slept: true });
    } finally {
      await dap.close();
    }
  }, 60_000);

  it('the timeout applies again once the debugger has gone', async () => {
    await waitFor(async () => !(await inspectorAttached(port)), 10_000);
    const res = await em.invoke('sleepy-py', { sleepMs: 2500 });
    expect((res.json() as { errorType: string }).errorType).toBe('Sandbox.Timedout');
  });
});
