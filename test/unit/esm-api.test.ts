// The event source mapping API over the EsmManager: validation and AWS's error answers, defaults
// per source kind, states, duplicates, list filters and paging, and poller start/stop through a
// recording factory (the pollers themselves are tested in integration).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '../../server/http/http-app.ts';
import { registerEsmRoutes } from '../../server/http/esm-routes.ts';
import type { FunctionConfig } from '../../server/model.ts';
import { Registry } from '../../server/registry/registry.ts';
import { EsmManager } from '../../pollers/esm/manager.ts';
import type { EsmConfig, PollerDeps } from '../../pollers/esm/mapping.ts';
import { sourceKind } from '../../pollers/esm/validate.ts';

const ctx = { region: 'us-east-1', accountId: '000000000000' };
const fn = (name: string, timeout = 3): FunctionConfig => ({
  name, logicalId: name, codeDir: '/nowhere', handler: 'index.handler', runtime: 'nodejs24.x', memorySize: 128,
  timeout, environment: {}, ephemeralStorage: 512, description: '', architecture: 'x86_64', logFormat: 'Text',
});
const registry = new Registry([fn('worker'), fn('slow', 60)], ctx);
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:jobs';
const FIFO = 'arn:aws:sqs:us-east-1:000000000000:jobs.fifo';
const STREAM = 'arn:aws:kinesis:us-east-1:000000000000:stream/events';
const DDB = 'arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-01-01T00:00:00.000';
const started: EsmConfig[] = [];
const stopped: string[] = [];
let app: FastifyInstance;
let esm: EsmManager;

beforeAll(async () => {
  const logger = pino({ level: 'silent' });
  esm = new EsmManager({
    resolveFunction: (ref) => {
      try {
        const { fn: f, invokedArn } = registry.resolve(ref, undefined);
        return { functionArn: invokedArn, timeoutSeconds: f.config.timeout };
      } catch {
        return undefined;
      }
    },
    checkSource: async (_kind, arn) => ({ exists: !arn.includes('missing'), visibilityTimeoutSeconds: 30 }),
  }, { logger, timeScale: 1, region: ctx.region, accountId: ctx.accountId } as unknown as PollerDeps);
  const factory = (config: EsmConfig) => {
    started.push(config);
    return { stop: async () => { stopped.push(config.uuid); }, status: () => ({ lastProcessingResult: 'OK' }) };
  };
  esm.registerFactory('sqs', factory);
  esm.registerFactory('kinesis', factory);
  app = createHttpApp(logger);
  registerEsmRoutes(app, esm, registry);
  await app.ready();
});
afterAll(async () => {
  await esm.close();
  await app.close();
});

const call = async (method: 'POST' | 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown) => {
  const res = await app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.statusCode, type: res.headers['x-amzn-errortype'], body: res.body ? JSON.parse(res.body) : undefined };
};
const create = (body: unknown) => call('POST', '/2015-03-31/event-source-mappings/', body);

describe('source kinds', () => {
  it('recognises SQS, FIFO, Kinesis and DynamoDB stream ARNs', () => {
    expect([QUEUE, FIFO, STREAM, DDB, 'arn:aws:s3:::bucket'].map(sourceKind)).toEqual(['sqs', 'sqs', 'kinesis', 'dynamodb', undefined]);
  });
});

describe('CreateEventSourceMapping', () => {
  it('answers 202 Creating with the SQS defaults, then runs a poller', async () => {
    const res = await create({ FunctionName: 'worker', EventSourceArn: QUEUE });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      State: 'Creating', BatchSize: 10, MaximumBatchingWindowInSeconds: 0, EventSourceArn: QUEUE,
      FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:worker', FunctionResponseTypes: [], StateTransitionReason: 'USER_INITIATED',
    });
    expect(res.body.UUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.EventSourceMappingArn).toBe(`arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${res.body.UUID}`);
    expect(res.body).not.toHaveProperty('StartingPosition');
    const got = await call('GET', `/2015-03-31/event-source-mappings/${res.body.UUID}`);
    expect(got.body.State).toBe('Enabled');
    expect(started.map((c) => c.uuid)).toContain(res.body.UUID);
  });

  it('refuses a duplicate with ResourceConflictException and the existing UUID', async () => {
    const res = await create({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:worker', EventSourceArn: QUEUE });
    expect(res.status).toBe(409);
    expect(res.type).toBe('ResourceConflictException');
    expect(res.body.message).toMatch(/^An event source mapping with SQS arn \(" arn:aws:sqs:us-east-1:000000000000:jobs "\) and function \(" arn:aws:lambda:us-east-1:000000000000:function:worker "\) already exists\. Please update or delete the existing mapping with UUID [0-9a-f-]{36}$/);
  });

  it('gives streams their defaults and requires StartingPosition', async () => {
    const missing = await create({ FunctionName: 'worker', EventSourceArn: STREAM });
    // AWS answers a missing StartingPosition itself (InvalidParameterValueException), not through model validation.
    expect(missing).toMatchObject({ status: 400, type: 'InvalidParameterValueException' });
    expect(missing.body.message).toBe("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.");
    const res = await create({ FunctionName: 'worker', EventSourceArn: STREAM, StartingPosition: 'TRIM_HORIZON' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      BatchSize: 100, StartingPosition: 'TRIM_HORIZON', ParallelizationFactor: 1, MaximumRecordAgeInSeconds: -1,
      MaximumRetryAttempts: -1, BisectBatchOnFunctionError: false, TumblingWindowInSeconds: 0, DestinationConfig: { OnFailure: {} },
      StateTransitionReason: 'User action',
    });
  });

  it.each([
    [{ FunctionName: 'worker', EventSourceArn: 'arn:aws:s3:::bucket' }, 'InvalidParameterValueException', 'Unrecognized event source.'],
    [{ FunctionName: 'nope', EventSourceArn: QUEUE.replace('jobs', 'other') }, 'InvalidParameterValueException', 'Function does not exist'],
    [{ FunctionName: 'worker', EventSourceArn: QUEUE.replace('jobs', 'missing') }, 'InvalidParameterValueException',
      'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist.'],
    [{ FunctionName: 'worker', EventSourceArn: STREAM.replace('events', 'missing'), StartingPosition: 'LATEST' }, 'InvalidParameterValueException',
      `Stream not found: ${STREAM.replace('events', 'missing')}`],
    [{ FunctionName: 'slow', EventSourceArn: QUEUE }, 'InvalidParameterValueException',
      'Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds'],
    [{ FunctionName: 'worker', EventSourceArn: QUEUE, BatchSize: 100 }, 'InvalidParameterValueException',
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10'],
    [{ FunctionName: 'worker', EventSourceArn: QUEUE, BatchSize: 0 }, 'ValidationException',
      "1 validation error detected: Value '0' at 'batchSize' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    [{ FunctionName: 'worker', EventSourceArn: QUEUE, DestinationConfig: { OnFailure: { Destination: QUEUE } } }, 'InvalidParameterValueException',
      'Unsupported DestinationConfig parameter for given event source mapping type.'],
    [{ FunctionName: 'worker', EventSourceArn: DDB, StartingPosition: 'AT_TIMESTAMP', StartingPositionTimestamp: 1 }, 'InvalidParameterValueException',
      `Unsupported starting position for arn type: ${DDB}`],
    [{ FunctionName: 'worker', EventSourceArn: QUEUE, FilterCriteria: { Filters: [{ Pattern: '{not json' }] } }, 'InvalidParameterValueException',
      'Invalid filter pattern definition.'],
    [{ FunctionName: 'worker', EventSourceArn: FIFO, BatchSize: 11, MaximumBatchingWindowInSeconds: 0 }, 'InvalidParameterValueException', undefined],
  ])('rejects %j with %s', async (body, type, message) => {
    const res = await create(body);
    expect(res.status).toBe(type === 'ResourceNotFoundException' ? 404 : 400);
    expect(res.type).toBe(type);
    if (message) expect(res.body.message).toBe(message);
  });
});

describe('Update, List, Delete', () => {
  it('disables and re-enables a mapping, stopping and starting its poller', async () => {
    const { body } = await create({ FunctionName: 'worker', EventSourceArn: FIFO, BatchSize: 5 });
    await call('GET', `/2015-03-31/event-source-mappings/${body.UUID}`);
    const off = await call('PUT', `/2015-03-31/event-source-mappings/${body.UUID}`, { Enabled: false });
    expect(off.status).toBe(202);
    expect(off.body.State).toBe('Disabling');
    await new Promise((r) => setTimeout(r, 10));
    expect((await call('GET', `/2015-03-31/event-source-mappings/${body.UUID}`)).body.State).toBe('Disabled');
    expect(stopped).toContain(body.UUID);
    const cannot = await call('PUT', `/2015-03-31/event-source-mappings/${body.UUID}`, { StartingPosition: 'LATEST' });
    expect(cannot.type).toBe('InvalidParameterValueException');
    await call('PUT', `/2015-03-31/event-source-mappings/${body.UUID}`, { Enabled: true, BatchSize: 7 });
    await new Promise((r) => setTimeout(r, 10));
    const on = await call('GET', `/2015-03-31/event-source-mappings/${body.UUID}`);
    expect(on.body).toMatchObject({ State: 'Enabled', BatchSize: 7 });
    expect(started.filter((c) => c.uuid === body.UUID).at(-1)?.batchSize).toBe(7);
  });

  it('lists by EventSourceArn and FunctionName, with paging', async () => {
    const byQueue = await call('GET', `/2015-03-31/event-source-mappings/?EventSourceArn=${encodeURIComponent(QUEUE)}`);
    expect(byQueue.body.EventSourceMappings.map((m: { EventSourceArn: string }) => m.EventSourceArn)).toEqual([QUEUE]);
    const byFn = await call('GET', '/2015-03-31/event-source-mappings/?FunctionName=worker');
    expect(byFn.body.EventSourceMappings.length).toBe(3);
    const page1 = await call('GET', '/2015-03-31/event-source-mappings/?MaxItems=2');
    expect(page1.body.EventSourceMappings.length).toBe(2);
    const page2 = await call('GET', `/2015-03-31/event-source-mappings/?MaxItems=2&Marker=${page1.body.NextMarker}`);
    expect(page2.body.EventSourceMappings.length).toBe(1);
    expect(page2.body.NextMarker).toBeUndefined();
    // A marker that is not ours (or a negative offset) starts from the beginning.
    const odd = await call('GET', `/2015-03-31/event-source-mappings/?MaxItems=2&Marker=${Buffer.from('-5').toString('base64')}`);
    expect(odd.body.EventSourceMappings.map((m: { UUID: string }) => m.UUID)).toEqual(page1.body.EventSourceMappings.map((m: { UUID: string }) => m.UUID));
    const zero = await call('GET', '/2015-03-31/event-source-mappings/?MaxItems=0');
    expect(zero).toMatchObject({ status: 400, type: 'ValidationException' });
    expect(zero.body.message).toMatch(/Member must have value greater than or equal to 1$/);
  });

  it('shows every mapping with its origin under /_ephemera/event-source-mappings', async () => {
    const res = await call('GET', '/_ephemera/event-source-mappings');
    expect(res.body.mappings.length).toBe(3);
    expect(res.body.mappings[0]).toMatchObject({ Origin: 'api', Counters: {} });
  });

  it('deletes with 202 Deleting, then answers 404', async () => {
    const { body } = await call('GET', `/2015-03-31/event-source-mappings/?EventSourceArn=${encodeURIComponent(STREAM)}`);
    const uuid = body.EventSourceMappings[0].UUID;
    const del = await call('DELETE', `/2015-03-31/event-source-mappings/${uuid}`);
    expect(del).toMatchObject({ status: 202, body: { State: 'Deleting' } });
    expect(stopped).toContain(uuid);
    const gone = await call('GET', `/2015-03-31/event-source-mappings/${uuid}`);
    expect(gone).toMatchObject({ status: 404, type: 'ResourceNotFoundException' });
    expect(gone.body.Message).toBe('The resource you requested does not exist.');
  });
});

describe('UUID', () => {
  it('is always chosen by the emulator: a UUID in the request body cannot replace an existing mapping', async () => {
    const first = await create({ FunctionName: 'worker', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:uuid-a' });
    expect(first.status).toBe(202);
    const before = started.length;
    const second = await create({ FunctionName: 'worker', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:uuid-b', UUID: first.body.UUID });
    expect(second.status).toBe(202);
    expect(second.body.UUID).not.toBe(first.body.UUID);
    const kept = await call('GET', `/2015-03-31/event-source-mappings/${first.body.UUID}`);
    expect(kept.body.EventSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:uuid-a');
    await new Promise((r) => setTimeout(r, 10));
    expect(started.length).toBe(before + 1);
    for (const uuid of [first.body.UUID, second.body.UUID]) expect((await call('DELETE', `/2015-03-31/event-source-mappings/${uuid}`)).status).toBe(202);
  });
});

describe('close', () => {
  it('waits for the pollers of mappings deleted or disabled just before (their stop was still running)', async () => {
    const logger = pino({ level: 'silent' });
    const manager = new EsmManager({
      resolveFunction: () => ({ functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:worker', timeoutSeconds: 3 }),
      checkSource: async () => ({ exists: true, visibilityTimeoutSeconds: 30 }),
    }, { logger, timeScale: 1, region: ctx.region, accountId: ctx.accountId } as unknown as PollerDeps);
    const running = new Set<string>();
    manager.registerFactory('sqs', (config) => {
      running.add(config.uuid);
      return { stop: async () => { await new Promise((r) => setTimeout(r, 50)); running.delete(config.uuid); }, status: () => ({}) };
    });
    const a = await manager.create({ FunctionName: 'worker', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:close-a' });
    const b = await manager.create({ FunctionName: 'worker', EventSourceArn: 'arn:aws:sqs:us-east-1:000000000000:close-b' });
    await new Promise((r) => setTimeout(r, 5));
    expect(running.size).toBe(2);
    await manager.delete(a.config.uuid);
    await manager.update(b.config.uuid, { Enabled: false });
    await new Promise((r) => setTimeout(r, 5));
    await manager.close();
    expect([...running]).toEqual([]);
  });
});
