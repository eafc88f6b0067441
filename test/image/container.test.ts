// The image as a user runs it (no extra flags): health and the image's own HEALTHCHECK, a Node and a
// Python invoke and an SQS round trip through real AWS SDK clients, the non-root user, tini reaping
// orphans (against a control without it), and SIGTERM ending every process with exit code 0.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Container, lambda, notPrepared, podman, processes, removeStarted, sqs, startContainer } from './harness.ts';

async function invoke(c: Container, name: string, event: unknown): Promise<Record<string, unknown>> {
  const r = await lambda(c).send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(event) }));
  expect(r.FunctionError, new TextDecoder().decode(r.Payload)).toBeUndefined();
  return JSON.parse(new TextDecoder().decode(r.Payload)) as Record<string, unknown>;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(notPrepared)('the image, run with no extra flags', () => {
  let c: Container;
  beforeAll(async () => {
    c = await startContainer();
  });
  afterAll(removeStarted);

  it('is healthy by its endpoint and by the HEALTHCHECK the image carries (Docker format)', async () => {
    const health = (await (await fetch(`${c.url}/_ephemera/health`)).json()) as { status: string; functions: number; isolation: string };
    expect(health).toMatchObject({ status: 'ok', functions: 2, isolation: 'process' });
    const check = await podman().must(['image', 'inspect', '--format', '{{json .Config.Healthcheck.Test}}', podman().image]);
    expect(JSON.parse(check)).toEqual(expect.arrayContaining(['node']));
    expect((await podman().run(['healthcheck', 'run', c.id])).code).toBe(0);
  });

  it('invokes a Node function', async () => {
    const out = await invoke(c, 'echo', { hello: 'container' });
    expect(out).toMatchObject({ event: { hello: 'container' }, functionName: 'echo' });
  });

  it('invokes a Python function, with the start-up warning that python3.12 runs on Debian\'s Python 3.11', async () => {
    const out = await invoke(c, 'python-echo', { n: 1 });
    expect(out).toMatchObject({ event: { n: 1 }, functionName: 'python-echo' });
    expect(await c.logs()).toMatch(/python3\.12 runs on Python 3\.11\.\d+ \(\/usr\/bin\/python3, PATH\), not Python 3\.12/);
  });

  it('round-trips a message through the embedded SQS', async () => {
    const client = sqs(c);
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: 'jobs' }));
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'from the host', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }));
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5, MessageAttributeNames: ['All'] }));
    expect(Messages.map((m) => [m.Body, m.MessageAttributes?.kind?.StringValue])).toEqual([['from the host', 'test']]);
    await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0].ReceiptHandle }));
    const again = await client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    expect(again.Messages ?? []).toEqual([]);
  });

  it('runs every process as the node user (uid 1000), functions included', async () => {
    await invoke(c, 'echo', {});
    const procs = await processes(c.id);
    expect(procs.length).toBeGreaterThanOrEqual(3);
    expect(procs.filter((p) => p.uid !== 1000)).toEqual([]);
    expect((await podman().must(['exec', c.id, 'id', '-un']))).toBe('node');
  });

  it('has tini as PID 1, which reaps an orphan that exits (a container without it keeps the zombie)', async () => {
    const orphanExits = async (id: string): Promise<string[]> => {
      await podman().must(['exec', id, 'sh', '-c', 'sleep 0.3 & exit 0']);
      let sleeping = ['?'];
      for (let i = 0; i < 100 && sleeping.some((s) => s !== 'Z'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        sleeping = (await processes(id)).filter((p) => p.name === 'sleep').map((p) => p.state);
        if (sleeping.length === 0) break;
      }
      return sleeping;
    };
    expect((await processes(c.id)).find((p) => p.pid === 1)?.name).toBe('tini');
    expect(await orphanExits(c.id)).toEqual([]);
    const control = await startContainer({ flags: ['--entrypoint', 'node'], args: ['/opt/ephemera/bin/ephemera.mjs', 'start', '--template', '/fixtures/templates/image.yaml'] });
    expect(await orphanExits(control.id)).toEqual(['Z']);
  });

  it('stops on SIGTERM with a warm environment: exit code 0, no process left on the host', async () => {
    await invoke(c, 'echo', { warm: true });
    const top = await podman().must(['top', c.id, 'hpid']);
    const pids = top.split('\n').slice(1).map(Number).filter((n) => n > 0);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    await podman().must(['kill', '--signal', 'TERM', c.id]);
    const code = await podman().must(['wait', c.id], { timeoutMs: 30_000 });
    expect(code).toBe('0');
    expect(await c.logs()).toMatch(/"signal":"SIGTERM".*shutting down/);
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
