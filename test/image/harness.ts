// Containers of the image under test for test/image: started with the host's quirks (from
// scripts/test-image.ts, through the environment), labelled so the script's clean-up finds any a
// failed test leaves, the fixtures mounted at /fixtures, the port published on 127.0.0.1 only.
import { join } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { freePort } from '../../scripts/image/exec.ts';
import { LABEL, Podman } from '../../scripts/image/podman.ts';
import { ROOT } from '../helpers/emulator.ts';

const engine = Podman.fromEnv();
/** Why test/image skips: it needs the engine and the image that scripts/test-image.ts prepares. */
export const notPrepared = engine ? undefined : 'run through `npm run test:image` (scripts/test-image.ts installs podman, builds the image and passes the engine)';

export function podman(): Podman {
  if (!engine) throw new Error(notPrepared);
  return engine;
}

export interface Container {
  id: string;
  /** http://127.0.0.1:<published port> */
  url: string;
  logs(): Promise<string>;
}

export interface StartOptions {
  /** podman run flags before the image (capabilities, user, volumes, entrypoint). */
  flags?: string[];
  /** After the image; default: serve fixtures/templates/image.yaml. */
  args?: string[];
}

const started: string[] = [];

export async function startContainer(opts: StartOptions = {}): Promise<Container> {
  const p = podman();
  const port = p.quirks.network === 'host' ? await freePort() : undefined;
  const publish = port ? ['-e', `EPHEMERA_PORT=${port}`, '-e', 'EPHEMERA_HOST=127.0.0.1'] : ['-p', '127.0.0.1::3001'];
  const id = await p.must(['run', '-d', '--label', LABEL, ...p.containerFlags(), ...publish,
    '-v', `${join(ROOT, 'fixtures')}:/fixtures:ro`, ...(opts.flags ?? []), p.image,
    ...(opts.args ?? ['start', '--template', '/fixtures/templates/image.yaml'])]);
  started.push(id);
  const hostPort = port ?? Number((await p.must(['port', id, '3001/tcp'])).split('\n')[0].split(':').pop());
  const container: Container = { id, url: `http://127.0.0.1:${hostPort}`, logs: async () => (await p.run(['logs', id])).stdout };
  await waitHealthy(container);
  return container;
}

/** Polls /_ephemera/health until it answers 200 (bounded: 30 s, then fails with the container's log). */
async function waitHealthy(c: Container): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const ok = await fetch(`${c.url}/_ephemera/health`).then((r) => r.ok, () => false);
    if (ok) return;
    const state = await podman().must(['inspect', '--format', '{{.State.Status}}', c.id]);
    if (state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`container ${c.id.slice(0, 12)} never became healthy:\n${await c.logs()}`);
}

/** For afterAll / afterEach: removes every container this file started (SIGKILL if still running). */
export async function removeStarted(): Promise<void> {
  const ids = started.splice(0);
  if (ids.length) await podman().run(['rm', '-f', '-t', '0', ...ids]);
}


/** Every process in the container (pid, name, state R/S/Z..., uid), read from its /proc by a `node` exec'd in it. */
export async function processes(id: string): Promise<Array<{ pid: number; name: string; state: string; uid: number }>> {
  const script = `const fs = require('fs');
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
      try {
        const s = fs.readFileSync('/proc/' + pid + '/status', 'utf8');
        const field = (k) => s.split('\\n').find((l) => l.startsWith(k + ':')).slice(k.length + 1).trim().split(/\\s+/)[0];
        console.log([pid, field('Name'), field('State'), field('Uid')].join('\\t'));
      } catch {}
    }`;
  const out = await podman().must(['exec', id, 'node', '-e', script]);
  return out.split('\n').filter(Boolean).map((l) => {
    const [pid, name, state, uid] = l.split('\t');
    return { pid: Number(pid), name, state, uid: Number(uid) };
  });
}

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const lambda = (c: Container): LambdaClient => new LambdaClient({ endpoint: c.url, region: 'us-east-1', credentials: CREDENTIALS });
export const sqs = (c: Container): SQSClient => new SQSClient({ endpoint: c.url, region: 'us-east-1', credentials: CREDENTIALS });
