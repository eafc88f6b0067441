// `ephemera invoke <function> [--event file|-] [start flags]`: one invocation, its result on stdout
// and its log (START..REPORT) on stderr; in a SAM project folder the template and samconfig as sam local reads them. Through the emulator already listening on --port if there is
// one, else in-process (buildApp, listening on a free 127.0.0.1 port only so that the function's own AWS
// SDK calls reach it, as --sdk-endpoints promises), shut down afterwards with no process left.
// Exit code: 0 success, 1 the function failed (X-Amz-Function-Error), 2 the request was rejected.
import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import type { OutputSink } from '../environment/function-log.ts';
import { IsolationUnavailableError } from '../environment/isolation.ts';
import { TemplateError } from '../template/template-error.ts';
import { resolveProject } from './project-options.ts';
import { StartupError } from './startup-error.ts';
import { OptionsError, type Options } from '../options.ts';

export interface InvokeIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  readStdin: () => Promise<Buffer>;
}

interface InvokeArgs {
  functionName: string | undefined;
  event: string | undefined;
  rest: string[];
}

/** Split the function name and --event out of the arguments; the rest are start flags. */
export function splitInvokeArgs(argv: string[]): InvokeArgs {
  const rest: string[] = [];
  let event: string | undefined;
  let functionName: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--event' || arg === '-e') {
      event = argv[++i];
      if (event === undefined) throw new OptionsError(`${arg} needs a file name (or - for stdin)`);
    } else if (arg.startsWith('--event=')) {
      event = arg.slice('--event='.length);
    } else if (i === 0 && !arg.startsWith('-')) {
      functionName = arg;
    } else {
      rest.push(arg);
    }
  }
  return { functionName, event, rest };
}

export async function invokeCommand(argv: string[], io: InvokeIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const args = splitInvokeArgs(argv);
  const project = resolveProject('invoke', args.rest, env);
  const { options } = project;
  // The event: --event, else samconfig's [*.local_invoke.parameters] event, else {}.
  const event = args.event ?? project.event;
  const payload = event === undefined ? Buffer.from('{}')
    : event === '-' ? await io.readStdin()
    : readEvent(event);
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
  if (await isEphemera(base)) {
    if (!args.functionName) throw new OptionsError('name the function to invoke (ephemera invoke <function>; see ephemera invoke --help)');
    io.stderr.write(`ephemera: invoking ${args.functionName} through the emulator at ${base}\n`);
    return invokeRemote(base, args.functionName, payload, io);
  }
  if (project.noTemplate) throw new OptionsError(`${project.noTemplate} (no emulator answers on ${base} to invoke through)`);
  try {
    return await invokeInProcess(options, project.templateSource, args.functionName, payload, io);
  } catch (err) {
    // The template's or the isolation's problem is the user's to fix: its message is the whole story.
    if (err instanceof TemplateError || err instanceof IsolationUnavailableError) throw new StartupError(err.message);
    throw err;
  }
}

function readEvent(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new OptionsError(`--event: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Does an ephemera answer on this address? */
async function isEphemera(base: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}/_ephemera/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok && ((await res.json()) as { status?: string }).status === 'ok';
  } catch {
    return false;
  }
}

async function invokeRemote(base: string, fn: string, payload: Buffer, io: InvokeIo): Promise<number> {
  const res = await fetch(`${base}/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`, {
    method: 'POST', body: payload, headers: { 'X-Amz-Log-Type': 'Tail' },
  });
  const body = Buffer.from(await res.arrayBuffer());
  const log = res.headers.get('x-amz-log-result');
  // Through a running emulator the log is Lambda's Tail: its last 4 KB.
  if (log) io.stderr.write(Buffer.from(log, 'base64'));
  if (res.status === 404 && res.headers.get('x-amzn-errortype')?.startsWith('ResourceNotFoundException')) {
    const names = await remoteFunctionNames(base);
    io.stderr.write(`ephemera: Function not found: ${fn} is not served by the emulator at ${base}; its functions: ${names.join(', ') || 'none'}\n`);
    return 2;
  }
  return finish(res.status, res.headers.get('x-amz-function-error') !== null, body, io);
}

async function remoteFunctionNames(base: string): Promise<string[]> {
  try {
    const res = await fetch(`${base}/2015-03-31/functions/`, { signal: AbortSignal.timeout(2000) });
    // By name for a reader (ListFunctions itself answers in ARN order, where upper case comes first).
    const names = ((await res.json()) as { Functions?: Array<{ FunctionName: string }> }).Functions?.map((f) => f.FunctionName) ?? [];
    return names.sort((a, b) => a.localeCompare(b));
  } catch {
    return [];
  }
}

async function invokeInProcess(options: Options, templateSource: string, fn: string | undefined, payload: Buffer, io: InvokeIo): Promise<number> {
  const lines: string[] = [];
  const output: OutputSink = {
    line: (_fn, _env, text) => {
      lines.push(text);
      io.stderr.write(`${text}\n`);
    },
  };
  // The server's modules load only here: through a running emulator, invoke needs none of them.
  const [{ default: pino }, { buildApp }] = await Promise.all([import('pino'), import('../app.ts')]);
  const level = options.logLevel === 'info' ? 'warn' : options.logLevel;
  const logger = pino({ level }, pino.destination({ fd: 2, sync: true }));
  // One invoke: no blank sandboxes (--sandbox-pool) to start for later cold starts. Nothing answers on
  // --port: the functions' AWS_ENDPOINT_URL_* and template queue URLs name a free port this emulator opens.
  const port = await freeLocalPort();
  const eph = buildApp({ ...options, host: '127.0.0.1', port, watch: false, sandboxPool: 0, debug: options.debug ?? (options.debugPort !== undefined ? fn : undefined) }, { logger, output, templateMappings: false });
  try {
    const functions = eph.functions();
    const names = functions.map((f) => f.name);
    if (!fn && functions.length !== 1) throw new OptionsError(`name the function to invoke: ${templateSource} has ${names.join(', ') || 'none'} (see ephemera invoke --help)`);
    // A function is named by its name or, as with sam local invoke, its logical id; a qualified name or ARN goes as it is.
    const name = fn === undefined ? names[0] : functions.find((f) => f.name === fn || f.logicalId === fn)?.name ?? fn;
    if (!fn?.includes(':') && !names.includes(name)) {
      const listed = functions.map((f) => (f.logicalId === f.name ? f.name : `${f.name} (${f.logicalId})`));
      io.stderr.write(`ephemera: Function not found: ${fn} is not in ${templateSource}; its functions: ${listed.join(', ') || 'none'}\n`);
      return 2;
    }
    await eph.app.listen({ port, host: '127.0.0.1' });
    await eph.ready;
    const res = await eph.app.inject({
      method: 'POST', url: `/2015-03-31/functions/${encodeURIComponent(name)}/invocations`, payload,
    });
    const requestId = res.headers['x-amzn-requestid'];
    // REPORT follows the answer once the runtime is back at /next: wait for it (bounded) before stopping.
    if (typeof requestId === 'string' && res.statusCode < 300) {
      const end = Date.now() + 5000;
      while (!lines.some((l) => l.startsWith(`REPORT RequestId: ${requestId}`)) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    return finish(res.statusCode, res.headers['x-amz-function-error'] !== undefined, res.rawPayload, io);
  } finally {
    await eph.close();
  }
}

/** A port nothing listens on right now (127.0.0.1). */
function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function finish(status: number, functionError: boolean, body: Buffer, io: InvokeIo): number {
  if (status >= 300) {
    io.stderr.write(`ephemera: the invoke was rejected (HTTP ${status}): ${body.toString()}\n`);
    return 2;
  }
  io.stdout.write(body);
  io.stdout.write('\n');
  return functionError ? 1 : 0;
}
