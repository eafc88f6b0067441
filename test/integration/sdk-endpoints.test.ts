// --sdk-endpoints (on by default): a handler's own AWS SDK clients, built without an endpoint as on
// Lambda, reach the emulator's SQS and Lambda through AWS_ENDPOINT_URL_<SERVICE>; a function that sets
// its own endpoint keeps it; with the flag off the variables are absent. Process isolation: the fixture
// resolves the AWS SDK from the repository's node_modules.
import { createServer } from 'node:net';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator } from '../helpers/emulator.ts';

/** A port free right now (the emulator needs a known port before it listens, as with `--port 3001`). */
const freePort = (): Promise<number> => new Promise((resolve, reject) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const { port } = srv.address() as { port: number };
    srv.close(() => resolve(port));
  }).on('error', reject);
});

describe('functions reach the emulator with their own AWS SDK', () => {
  let em: TestEmulator;
  let sqs: SQSClient;
  beforeAll(async () => {
    em = await startEmulator(fixture('templates/sdk-endpoints.yaml'), { isolation: 'process', port: await freePort() });
    sqs = new SQSClient({ endpoint: em.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  });
  afterAll(async () => {
    sqs?.destroy();
    expect(await em.stopChecked()).toEqual([]);
  });

  it('sends to a template queue (its !Ref URL is the emulator\'s) and invokes another function', async () => {
    expect(em.eph.internals.registry.get('sdk-caller')?.config.environment.QUEUE_URL).toBe(`${em.url}/000000000000/outbox`);
    const res = await em.invoke('sdk-caller', { order: 7 });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    const out = JSON.parse(res.body);
    expect(out.endpoints).toEqual({ sqs: em.url, lambda: em.url });
    expect(out.invoked.event).toEqual({ from: 'sdk-caller' });
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${em.url}/000000000000/outbox`, WaitTimeSeconds: 2 }));
    expect(Messages.map((m) => [m.MessageId, m.Body])).toEqual([[out.messageId, '{"order":7}']]);
  });

  it("keeps a function's own endpoint variable", async () => {
    const { env } = JSON.parse((await em.invoke('own-endpoint')).body);
    expect(env.AWS_ENDPOINT_URL_SQS).toBe('http://elasticmq:9324');
    expect(env.AWS_ENDPOINT_URL_KINESIS).toBe(em.url);
    expect([env.AWS_ENDPOINT_URL_EVENTBRIDGE, env.AWS_ENDPOINT_URL_SCHEDULER]).toEqual([em.url, em.url]);
  });
});

describe('--sdk-endpoints=false', () => {
  it('leaves the variables out', async () => {
    const em = await startEmulator(fixture('templates/sdk-endpoints.yaml'), { isolation: 'process', sdkEndpoints: false });
    try {
      const { env } = JSON.parse((await em.invoke('own-endpoint')).body);
      expect(Object.keys(env).filter((k) => k.startsWith('AWS_ENDPOINT_URL'))).toEqual(['AWS_ENDPOINT_URL_SQS']);
    } finally {
      expect(await em.stopChecked()).toEqual([]);
    }
  });
});
