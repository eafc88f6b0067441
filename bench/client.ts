// The benchmark client: an undici Pool, one checked POST, and the sequential latency loop — used
// in the bench process, and (run as a script) in a separate client process, as real callers are:
//   node bench/client.ts <origin> <warmup> <n> <path>...
// POSTs the paths one after another per op; prints {latencies (ms), cpuUs (of the timed loop)} as JSON.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

export function client(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1 });
}

const PAYLOAD = '{}';

/** One POST that must answer 200 without X-Amz-Function-Error; the body is read in full. */
export async function post(pool: Pool, path: string): Promise<void> {
  const res = await pool.request({ path, method: 'POST', body: PAYLOAD, headers: { 'content-type': 'application/json' } });
  const text = await res.body.text();
  if (res.statusCode !== 200 || res.headers['x-amz-function-error']) {
    throw new Error(`POST ${path} answered ${res.statusCode}: ${text.slice(0, 200)}`);
  }
}

/** `warmup` untimed calls, then `n` sequential timed ones: latencies in ms. */
export async function sequential(op: () => Promise<void>, n: number, warmup: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await op();
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await op();
    out[i] = performance.now() - t0;
  }
  return out;
}

export interface RemoteResult {
  /** Latencies of the timed ops, ms. */
  latencies: number[];
  /** The client process's CPU during the timed ops, µs per op. */
  clientUs: number;
}

const SELF = fileURLToPath(import.meta.url);

/**
 * The sequential loop in a child process (one keep-alive connection to `origin`, loopback):
 * each op POSTs `paths` in turn. Killed after `timeoutMs`; rejects unless it exits 0 with a result.
 */
export function remoteSequential(origin: string, paths: string[], n: number, warmup: number, timeoutMs = 120_000): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF, origin, String(warmup), String(n), ...paths], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code !== 0) reject(new Error(`bench client process exited ${code ?? signal}`));
      else resolve(JSON.parse(out) as RemoteResult);
    });
  });
}

if (import.meta.main) {
  const [origin, warmup, n, ...paths] = process.argv.slice(2);
  const pool = client(origin, 1);
  const op = async (): Promise<void> => {
    for (const p of paths) await post(pool, p);
  };
  await sequential(op, 0, Number(warmup));
  const c0 = process.cpuUsage();
  const latencies = await sequential(op, Number(n), 0);
  const c = process.cpuUsage(c0);
  await pool.close();
  process.stdout.write(JSON.stringify({ latencies, clientUs: (c.user + c.system) / Number(n) } satisfies RemoteResult));
}
