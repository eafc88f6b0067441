// --allowed-hosts with real clients: curl (`--resolve name:port:127.0.0.1`, as a container reaches
// ephemera by its service name), the AWS SDK v3 (Lambda REST-JSON, SQS JSON) and an HTTP/2 client
// (the Kinesis SDK's h2c). A name is refused until it is allowed, with a 403 that names the flag;
// `*` allows any Host but still refuses pages of other origins. Then ephemera started as the compose
// example's service (the image's command and environment): its service name works, the non-loopback
// bind is warned about once, and a refusal is logged.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { connect as h2connect } from 'node:http2';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';
import { killStarted, startCli, stopCli } from '../helpers/cli-server.ts';
import { entrypoint, imageEnv } from '../helpers/dockerfile.ts';

const run = promisify(execFile);
const INVOKE = '/2015-03-31/functions/echo/invocations';

/** curl as another container would call ephemera: by `name`, resolved to this machine's loopback. */
async function curl(name: string, port: string, path: string, headers: string[] = []): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '--max-time', '20', '--resolve', `${name}:${port}:127.0.0.1`, '-X', 'POST', '-d', '{"a":1}',
    ...headers.flatMap((h) => ['-H', h]), '-w', '\n%{http_code}', `http://${name}:${port}${path}`]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

/** An http.Agent that resolves every name to 127.0.0.1, so an SDK addresses ephemera by that name. */
const loopbackLookup: LookupFunction = (_host, options, cb) => {
  if (options.all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else cb(null, '127.0.0.1', 4);
};
const sdkOptions = (name: string, port: string) => ({
  endpoint: `http://${name}:${port}`, region: 'us-east-1', maxAttempts: 1,
  credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  requestHandler: { httpAgent: new Agent({ lookup: loopbackLookup }) },
});

/** One HTTP/2 request with prior knowledge (as the Kinesis SDK sends) carrying `:authority`. */
function h2(url: string, authority: string, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const session = h2connect(url);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': '/', ':authority': authority, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target });
    let body = '';
    let status = 0;
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      session.close();
      resolve({ status, body });
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('default: localhost and IP addresses only', () => {
  let em: TestEmulator;
  let port: string;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/compat.yaml'));
    port = new URL(em.url).port;
  });
  afterAll(async () => {
    if (em) expect(await em.stopChecked()).toEqual([]);
  });

  it('refuses curl by an unknown name with a 403 that names the flag', async () => {
    const res = await curl('ephemera', port, INVOKE);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({
      __type: 'AccessDeniedException',
      Message: 'Refused a request for Host "ephemera:' + port + '" (DNS-rebinding protection): ephemera answers requests addressed to localhost, '
        + '*.localhost, an IP address, or a name given to --allowed-hosts. To allow this name, start ephemera with --allowed-hosts ephemera '
        + '(or EPHEMERA_ALLOWED_HOSTS=ephemera).',
    });
    expect((await curl('localhost', port, INVOKE)).status).toBe(200);
  });

  it('the SDKs render the refusal as AccessDeniedException with the flag in the message', async () => {
    const lambda = new LambdaClient(sdkOptions('ephemera', port));
    const sqs = new SQSClient(sdkOptions('ephemera', port));
    try {
      const l = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: '{}' })).catch((e: Error) => e);
      expect(l).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      expect((l as Error).message).toContain('--allowed-hosts ephemera');
      const s = await sqs.send(new ListQueuesCommand({})).catch((e: Error) => e);
      expect(s).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      expect((s as Error).message).toContain('--allowed-hosts ephemera');
    } finally {
      lambda.destroy();
      sqs.destroy();
    }
  });

  it('guards HTTP/2 (h2c) too, by :authority', async () => {
    const refused = await h2(em.url, `rebind.test:${port}`, 'Kinesis_20131202.ListStreams');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('--allowed-hosts rebind.test');
    const ok = await h2(em.url, `127.0.0.1:${port}`, 'Kinesis_20131202.ListStreams');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toHaveProperty('StreamNames');
  });
});

describe('--allowed-hosts ephemera and --allowed-hosts *', () => {
  let named: TestEmulator;
  let any: TestEmulator;
  beforeAll(async () => {
    named = await startEmulator(fixture('templates/compat.yaml'), { allowedHosts: ['ephemera'] });
    any = await startEmulator(fixture('templates/compat.yaml'), { allowedHosts: ['*'] });
  });
  afterAll(async () => {
    if (named) expect(await named.stopChecked()).toEqual([]);
    if (any) expect(await any.stopChecked()).toEqual([]);
  });

  it('answers curl and the SDK by the allowed name, and still refuses other names', async () => {
    const port = new URL(named.url).port;
    const res = await curl('ephemera', port, INVOKE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ event: { a: 1 }, functionName: 'echo' });
    const lambda = new LambdaClient(sdkOptions('ephemera', port));
    try {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: '{"b":2}' }));
      expect(JSON.parse(Buffer.from(out.Payload!).toString())).toMatchObject({ event: { b: 2 } });
    } finally {
      lambda.destroy();
    }
    expect((await curl('ephemera2', port, INVOKE)).status).toBe(403);
  });

  it("'*' answers any name, but still refuses a page of another origin", async () => {
    const port = new URL(any.url).port;
    const res = await curl('whatever.example', port, INVOKE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ event: { a: 1 } });
    const page = await curl('whatever.example', port, INVOKE, ['Origin: https://evil.test']);
    expect(page.status).toBe(403);
    expect(page.body).toContain('web page at https://evil.test');
  });
});

describe('the docker compose example\'s ephemera service', () => {
  afterEach(killStarted);

  it('answers its service name, warns once that it listens beyond loopback, and logs refusals', async () => {
    const compose = parse(readFileSync(join(ROOT, 'examples/docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment: Record<string, string>; ports: string[] }>;
    };
    const service = compose.services.ephemera;
    expect(service.ports).toEqual(['127.0.0.1:3001:3001']);
    expect(service.environment.EPHEMERA_ALLOWED_HOSTS).toBe('ephemera');
    const [command, ...args] = entrypoint().map((a) => (a.startsWith('/opt/ephemera/') ? join(ROOT, a.slice('/opt/ephemera/'.length)) : a));
    const server = await startCli(command, [...args, 'start', '--template', fixture('templates/compat.yaml')], {
      cwd: ROOT, env: { ...imageEnv(), ...service.environment, EPHEMERA_PORT: '0' },
    });
    const port = new URL(server.local).port;
    expect((await curl('ephemera', port, INVOKE)).status).toBe(200);
    expect((await curl('rebind.test', port, INVOKE)).status).toBe(403);
    const stopped = await stopCli(server);
    expect(stopped.code).toBe(0);
    expect(stopped.orphans).toEqual([]);
    // Its own log lines are JSON (not a terminal); function output lines are not.
    const logs = server.stdout.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; host?: string });
    const exposed = logs.filter((l) => l.msg.includes('not on loopback'));
    expect(exposed).toHaveLength(1);
    expect(exposed[0]).toMatchObject({ level: 40, msg: expect.stringContaining('anyone who can reach this port can create and invoke functions') });
    expect(logs.filter((l) => l.level === 40 && l.host === `rebind.test:${port}` && l.msg.includes('--allowed-hosts rebind.test'))).toHaveLength(1);
  }, 60_000);
});
