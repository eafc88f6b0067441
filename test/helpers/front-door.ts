// The front door in integration tests: a real emulator (startEmulator) with its API port and
// function URL ports open on free loopback ports, the addresses it serves, and a curl runner.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Options } from '../../server/options.ts';
import type { FrontDoorDescription } from '../../server/front-door/describe.ts';
import { startEmulator, type TestEmulator } from './emulator.ts';

export interface FrontDoorEmulator extends TestEmulator {
  doors: FrontDoorDescription;
  /** `http://127.0.0.1:<api-port>/<api-id>/<stage>/` of an API by logical id (path addressing). */
  api(logicalId: string): string;
  /** `http://<api-id>.execute-api.localhost:<port>/<stage>/` (Host addressing). */
  apiHost(logicalId: string): string;
  /** A function URL's own URL. */
  functionUrl(fn: string): string;
}

export async function startFrontDoor(template: string, options: Partial<Options> = {}): Promise<FrontDoorEmulator> {
  const em = await startEmulator(template, options);
  await em.eph.frontDoor.frontDoor.listen('127.0.0.1', 0);
  const doors = em.eph.frontDoor.frontDoor.describe();
  const find = (id: string) => {
    const a = doors.apis.find((x) => x.logicalId === id);
    if (!a) throw new Error(`no API ${id}`);
    return a;
  };
  return Object.assign(em, {
    doors,
    api: (id: string) => find(id).urls[1],
    apiHost: (id: string) => find(id).urls[0],
    functionUrl: (fn: string) => {
      const u = doors.functionUrls.find((x) => x.function === fn);
      if (!u?.url) throw new Error(`no function URL for ${fn}`);
      return u.url;
    },
  });
}

const run = promisify(execFile);

export interface CurlResult {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

/** `curl -s -i` with the given arguments; the response split into status, headers and body. */
export async function curl(args: string[]): Promise<CurlResult> {
  const { stdout } = await run('curl', ['-s', '-i', '--max-time', '20', ...args], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  const end = stdout.indexOf('\r\n\r\n');
  const head = stdout.slice(0, end).split('\r\n');
  const status = Number(head[0].split(' ')[1]);
  const headers: Record<string, string[]> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    (headers[line.slice(0, i).toLowerCase()] ??= []).push(line.slice(i + 1).trim());
  }
  return { status, headers, body: stdout.slice(end + 4) };
}
