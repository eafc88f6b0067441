// The leak corpus (fixtures/leak-corpus, fixtures/templates/leak-corpus.yaml) run through a real
// emulator: its backends (an HTTP server with keep-alive and a slow route, a line-protocol database
// for the mini-pg pool), several invocations of every function, each LEAK line matched against the
// `leak: <kind>` markers in the sources, and the precision/recall that gives. Shared by
// test/integration/leak-corpus.test.ts and bench/leak-corpus.ts (which prints the docs' table).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IsolationLevel } from '../../server/environment/isolation.ts';
import { fixture, startEmulator, type TestEmulator } from './emulator.ts';

export const CORPUS_TEMPLATE = fixture('templates/leak-corpus.yaml');
const CORPUS = fixture('leak-corpus');

/** A leak the sources say must be reported: its kind, and where (none for the emulator's /proc findings). */
export interface ExpectedLeak {
  kind: string;
  file?: string;
  line?: number;
}

export interface ReportedLeak {
  kind: string;
  count: number;
  createdAt?: string;
  detail?: string;
}

export interface FunctionOutcome {
  name: string;
  clean: boolean;
  language: 'node' | 'python';
  expected: ExpectedLeak[];
  /** Per invocation: what the LEAK line named ([] when there was none). */
  invocations: ReportedLeak[][];
  truePositives: number;
  falsePositives: ReportedLeak[];
  falseNegatives: ExpectedLeak[];
}

/** The corpus's functions: `clean/<dir>` and `leaky/<dir>` (Python ones by their handler module). */
export function corpusFunctions(): Array<{ name: string; dir: string; clean: boolean; language: 'node' | 'python'; module: string }> {
  const out: Array<{ name: string; dir: string; clean: boolean; language: 'node' | 'python'; module: string }> = [];
  const template = readFileSync(CORPUS_TEMPLATE, 'utf8');
  const blocks = template.split(/\n  (?=\w+:\n    Type: AWS::Serverless::Function)/).slice(1);
  for (const block of blocks) {
    const name = /FunctionName: (\S+)/.exec(block)?.[1];
    const codeUri = /CodeUri: \.\.\/leak-corpus\/(\S+)/.exec(block)?.[1];
    if (!name || !codeUri) continue;
    const handler = /Handler: (\S+)/.exec(block)?.[1] ?? 'index.handler';
    const python = /Runtime: python/.test(block);
    out.push({ name, dir: join(CORPUS, codeUri), clean: codeUri.startsWith('clean/'), language: python ? 'python' : 'node', module: handler.slice(0, handler.lastIndexOf('.')) });
  }
  return out;
}

/** `leak: kind[, kind]` markers in a function's sources (its handler module, or all its files for Node). */
export function expectedLeaks(dir: string, language: 'node' | 'python', module: string): ExpectedLeak[] {
  const files = language === 'python' ? [join(dir, `${module}.py`)] : sourceFiles(dir);
  const out: ExpectedLeak[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      const m = /(?:\/\/|#) leak: ([\w-]+(?:, [\w-]+)*)/.exec(text);
      if (!m) return;
      for (const kind of m[1].split(', ')) out.push(kind === 'process' ? { kind } : { kind, file, line: i + 1 });
    });
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(m|c)?(j|t)s$/.test(name) ? [path] : [];
  });
}

/** The entries of a LEAK line: `kind[ xN][ at file:line:col][ (detail)]; …`. */
export function parseLeakLine(line: string): ReportedLeak[] {
  const parts = line.split('\t')[2] ?? '';
  return parts.split('; ').map((part) => {
    const m = /^(\S+?)(?: x(\d+))?(?: at (\S+))?(?: \((.*)\))?$/.exec(part);
    return m ? { kind: m[1], count: Number(m[2] ?? 1), createdAt: m[3], detail: m[4] } : { kind: part, count: 1 };
  });
}

const matches = (r: ReportedLeak, e: ExpectedLeak): boolean =>
  r.kind === e.kind && (e.file === undefined || (r.createdAt !== undefined && r.createdAt.startsWith(`${e.file}:${e.line}:`)) || r.createdAt === `${e.file}:${e.line}`);

/** Backends the corpus talks to; close() ends them and every connection. */
export interface CorpusBackends {
  httpUrl: string;
  dbPort: number;
  close(): Promise<void>;
}

export async function startBackends(): Promise<CorpusBackends> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const http: Server = createHttpServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
    if (req.url === '/slow') {
      const t = setTimeout(() => {
        timers.delete(t);
        res.end('late');
      }, 3000);
      timers.add(t);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ ok: true, url: req.url }));
  });
  http.on('connection', (s) => sockets.add(s).size && s.on('close', () => sockets.delete(s)));
  // The mini-pg protocol: each line is a query, each answer one line of JSON.
  const db: TcpServer = createTcpServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const query = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        s.write(`${JSON.stringify({ rows: [{ query }] })}\n`);
      }
    });
  });
  await Promise.all([new Promise<void>((r) => http.listen(0, '127.0.0.1', r)), new Promise<void>((r) => db.listen(0, '127.0.0.1', r))]);
  return {
    httpUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    dbPort: (db.address() as AddressInfo).port,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => http.close(r)), new Promise((r) => db.close(r))]);
    },
  };
}

/**
 * The corpus's emulator, on a port known before the template is read: `!Ref Queue` is then the
 * emulator's queue URL (the SDK for JavaScript sends to a QueueUrl's own host).
 */
export async function startCorpusEmulator(backends: CorpusBackends, isolation: IsolationLevel): Promise<TestEmulator> {
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return startEmulator(CORPUS_TEMPLATE, {
    isolation,
    port,
    parameterOverrides: { HttpBackend: backends.httpUrl, DbPort: String(backends.dbPort) },
  });
}

const tail = (res: { headers: Headers }): string[] => Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString().split('\n');

/**
 * Invokes every corpus function `invokes` times (the functions in parallel, each one's invocations
 * in a row: a cold start, then warm ones) and matches each invocation's LEAK line to its markers.
 */
export async function runCorpus(em: TestEmulator, invokes: number): Promise<FunctionOutcome[]> {
  return Promise.all(
    corpusFunctions().map(async (fn) => {
      const expected = fn.clean ? [] : expectedLeaks(fn.dir, fn.language, fn.module);
      const outcome: FunctionOutcome = { name: fn.name, clean: fn.clean, language: fn.language, expected, invocations: [], truePositives: 0, falsePositives: [], falseNegatives: [] };
      for (let i = 0; i < invokes; i++) {
        const res = await em.invoke(fn.name, { n: i }, { headers: { 'X-Amz-Log-Type': 'Tail' } });
        const rid = res.headers.get('x-amzn-requestid');
        const line = tail(res).find((l) => l.startsWith(`LEAK RequestId: ${rid}\t`));
        const reported = line ? parseLeakLine(line) : [];
        outcome.invocations.push(reported);
        const unmatched = [...expected];
        for (const r of reported) {
          const j = unmatched.findIndex((e) => matches(r, e));
          if (j >= 0) {
            unmatched.splice(j, 1);
            outcome.truePositives++;
          } else outcome.falsePositives.push(r);
        }
        outcome.falseNegatives.push(...unmatched);
      }
      return outcome;
    }),
  );
}

/** Precision and recall over outcomes (1 when there is nothing to count). */
export function score(outcomes: FunctionOutcome[]): { tp: number; fp: number; fn: number; precision: number; recall: number } {
  const tp = outcomes.reduce((n, o) => n + o.truePositives, 0);
  const fp = outcomes.reduce((n, o) => n + o.falsePositives.length, 0);
  const fn = outcomes.reduce((n, o) => n + o.falseNegatives.length, 0);
  return { tp, fp, fn, precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}
