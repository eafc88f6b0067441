// The InvokeWithResponseStream wire as @aws-sdk/client-lambda reads it: a loopback server answers
// with frames from server/front-door/streaming/event-stream.ts and the SDK's command yields the
// PayloadChunk bytes and the InvokeComplete fields (phase 2 serves this route from the emulator).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeComplete, payloadChunk } from '../../server/front-door/streaming/event-stream.ts';

let server: Server;
let lambda: LambdaClient;
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.amazon.eventstream', 'X-Amz-Executed-Version': '$LATEST' });
      res.write(payloadChunk(Buffer.from('Hello,')));
      res.write(payloadChunk(Buffer.from(' world!')));
      res.end(invokeComplete({ ErrorCode: 'Unhandled', ErrorDetails: 'late failure', LogResult: Buffer.from('END').toString('base64') }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  lambda = new LambdaClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
});
afterAll(async () => {
  lambda.destroy();
  await new Promise((r) => server.close(r));
});

describe('InvokeWithResponseStream frames', () => {
  it('the SDK decodes PayloadChunk and InvokeComplete events', async () => {
    const out = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'fn', Payload: Buffer.from('{}') }));
    expect(seen).toEqual(['POST /2021-11-15/functions/fn/response-streaming-invocations']);
    expect(out.ExecutedVersion).toBe('$LATEST');
    const chunks: string[] = [];
    let complete: unknown;
    for await (const event of out.EventStream!) {
      if (event.PayloadChunk) chunks.push(Buffer.from(event.PayloadChunk.Payload!).toString());
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    expect(chunks.join('')).toBe('Hello, world!');
    expect(complete).toEqual({ ErrorCode: 'Unhandled', ErrorDetails: 'late failure', LogResult: Buffer.from('END').toString('base64') });
  });
});
