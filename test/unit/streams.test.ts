// Embedded streams and the stream poller's pure parts: hash-key routing, sequence numbers, iterators,
// retention, DynamoDB view types, event and failure-record shapes, tumbling-window math, answers.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedDynamoDbStream } from '../../services/dynamodb-streams/embedded-dynamodb-stream.ts';
import { EmbeddedKinesisStream } from '../../services/kinesis/embedded-kinesis.ts';
import { StreamRegistry } from '../../services/streams/stream-registry.ts';
import { MAX_HASH_KEY, type Stream, StreamError, compareSequenceNumbers, hashKeyRange, partitionKeyHash } from '../../services/streams/stream.ts';
import { eventRecord, failureRecord, filterSubject, readResponse, unqualified } from '../../pollers/stream-events.ts';
import { isoSeconds, windowEnvelope, windowOf } from '../../pollers/tumbling-window.ts';
import { dynamoDbStreamsHandler } from '../../services/dynamodb-streams/dynamodb-streams-wire.ts';
import type { WireRequest } from '../../services/wire/wire-contract.ts';
import { kinesisHandler } from '../../services/kinesis/kinesis-wire.ts';
import { loadTemplate } from '../../server/template/load-template.ts';
import { createTemplateStreams } from '../../server/template/stream-resources.ts';
import type { Clock } from '../../lib/clock.ts';

/** A clock the test sets by hand (streams read the time and never wait). */
const clock = (start = Date.UTC(2024, 0, 1)) => {
  const c = { t: start, now: () => c.t, setTimeout: (): never => { throw new Error('streams do not wait'); } };
  return c;
};
const kinesis = (shardCount: number, c: Clock = clock(), retentionPeriodHours = 24) =>
  new EmbeddedKinesisStream({ name: 's', region: 'us-east-1', accountId: '000000000000', shardCount, retentionPeriodHours, clock: c });

describe('hash-key ranges and routing', () => {
  it('splits 0 … 2^128−1 evenly and contiguously', () => {
    for (const n of [1, 3, 4, 7]) {
      const ranges = Array.from({ length: n }, (_, i) => hashKeyRange(i, n));
      expect(ranges[0].start).toBe(0n);
      expect(ranges.at(-1)!.end).toBe(MAX_HASH_KEY);
      for (let i = 1; i < n; i++) expect(ranges[i].start).toBe(ranges[i - 1].end + 1n);
    }
    expect(kinesis(2).shardInfos().map((s) => s.hashKeyRange)).toEqual([
      { startingHashKey: '0', endingHashKey: '170141183460469231731687303715884105727' },
      { startingHashKey: '170141183460469231731687303715884105728', endingHashKey: '340282366920938463463374607431768211455' },
    ]);
  });
  it('routes by MD5 of the partition key (big-endian) or ExplicitHashKey', () => {
    expect(partitionKeyHash('a')).toBe(BigInt(`0x${createHash('md5').update('a').digest('hex')}`));
    const s = kinesis(4);
    for (const key of ['a', 'b', 'user-1', 'ü', '42']) {
      const h = partitionKeyHash(key);
      const expected = s.shardInfos().find((x) => h >= BigInt(x.hashKeyRange!.startingHashKey) && h <= BigInt(x.hashKeyRange!.endingHashKey))!;
      expect(s.put(key, Buffer.from('x')).shardId).toBe(expected.shardId);
    }
    expect(s.put('a', Buffer.from('x'), '0').shardId).toBe('shardId-000000000000');
    expect(s.put('a', Buffer.from('x'), MAX_HASH_KEY.toString()).shardId).toBe('shardId-000000000003');
    expect(() => s.put('a', Buffer.from('x'), (MAX_HASH_KEY + 1n).toString())).toThrow(/ExplicitHashKey must be in the range/);
  });
});

describe('sequence numbers', () => {
  it('are 56 digits, strictly increasing per shard, compared as BigInt', () => {
    const s = kinesis(2);
    const seqs = Array.from({ length: 12 }, (_, i) => s.put('same', Buffer.from(String(i))).sequenceNumber);
    for (const q of seqs) expect(q).toMatch(/^\d{56}$/);
    for (let i = 1; i < seqs.length; i++) expect(compareSequenceNumbers(seqs[i - 1], seqs[i])).toBe(-1);
    expect(compareSequenceNumbers('9', '10')).toBe(-1); // not a string compare
  });
});

describe('iterators', () => {
  const read = (s: EmbeddedKinesisStream, it: string) => s.getRecordsSync(it, 100).records.map((r) => r.data.toString());
  it('TRIM_HORIZON, LATEST, AT_/AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP', () => {
    const c = clock();
    const s = kinesis(1, c);
    const put = (v: string) => {
      c.t += 1000;
      return s.put('k', Buffer.from(v)).sequenceNumber;
    };
    const [a, b] = [put('a'), put('b')];
    const latest = s.iteratorSync('shardId-000000000000', { type: 'LATEST' });
    put('c');
    const shard = 'shardId-000000000000';
    expect(read(s, s.iteratorSync(shard, { type: 'TRIM_HORIZON' }))).toEqual(['a', 'b', 'c']);
    expect(read(s, latest)).toEqual(['c']);
    expect(read(s, s.iteratorSync(shard, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: b }))).toEqual(['b', 'c']);
    expect(read(s, s.iteratorSync(shard, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: a }))).toEqual(['b', 'c']);
    expect(read(s, s.iteratorSync(shard, { type: 'AT_TIMESTAMP', timestamp: Date.UTC(2024, 0, 1) + 2000 }))).toEqual(['b', 'c']);
    const page = s.getRecordsSync(s.iteratorSync(shard, { type: 'TRIM_HORIZON' }), 1);
    expect(page.records.map((r) => r.data.toString())).toEqual(['a']);
    expect(page.millisBehindLatest).toBeGreaterThan(0);
    expect(read(s, page.nextIterator!)).toEqual(['b', 'c']);
  });
  it('expire after 5 minutes; malformed ones are InvalidArgumentException', () => {
    const c = clock();
    const s = kinesis(1, c);
    const it0 = s.iteratorSync('shardId-000000000000', { type: 'TRIM_HORIZON' });
    c.t += 300_001;
    expect(() => s.getRecordsSync(it0, 1)).toThrow(expect.objectContaining({ type: 'ExpiredIteratorException' }));
    expect(() => s.getRecordsSync('nope', 1)).toThrow(expect.objectContaining({ type: 'InvalidArgumentException' }));
    expect(() => s.iteratorSync('shardId-000000000009', { type: 'LATEST' })).toThrow(StreamError);
  });
  it('a sequence number of another shard is InvalidArgumentException, not an iterator that never returns anything', () => {
    const s = kinesis(2);
    const seq0 = s.put('a', Buffer.from('x'), '0').sequenceNumber;
    const seq1 = s.put('a', Buffer.from('y'), MAX_HASH_KEY.toString()).sequenceNumber;
    expect(() => s.iteratorSync('shardId-000000000000', { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: seq1 }))
      .toThrow(expect.objectContaining({ type: 'InvalidArgumentException', message: expect.stringMatching(/did not come from this stream/) }));
    expect(() => s.iteratorSync('shardId-000000000001', { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: seq0 })).toThrow(StreamError);
    expect(s.getRecordsSync(s.iteratorSync('shardId-000000000000', { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: seq0 }), 10).records).toHaveLength(1);
    expect(s.getRecordsSync(s.iteratorSync('shardId-000000000001', { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: seq1 }), 10).records).toHaveLength(0);
  });
  it('records past retention are gone', () => {
    const c = clock();
    const s = kinesis(1, c, 24);
    s.put('k', Buffer.from('old'));
    c.t += 23 * 3_600_000;
    s.put('k', Buffer.from('new'));
    c.t += 1 * 3_600_000 + 1;
    expect(read(s, s.iteratorSync('shardId-000000000000', { type: 'TRIM_HORIZON' }))).toEqual(['new']);
    expect(s.recordCount()).toBe(1);
  });
});

describe('DynamoDB streams', () => {
  const table = (viewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES') =>
    new EmbeddedDynamoDbStream({ table: 'T', region: 'us-east-1', accountId: '000000000000', label: '2024-01-01T00:00:00.000', viewType });
  const change = { eventName: 'MODIFY', Keys: { Id: { N: '101' } }, NewImage: { Id: { N: '101' }, Message: { S: 'New item!' } }, OldImage: { Id: { N: '101' }, Message: { S: 'old' } } };
  it('keeps the images the StreamViewType says', () => {
    const records = (v: Parameters<typeof table>[0]) => {
      const t = table(v);
      t.append(change);
      return t.getRecordsSync(t.iteratorSync(t.shardId, { type: 'TRIM_HORIZON' }), 10).records[0].dynamodb!;
    };
    expect(Object.keys(records('KEYS_ONLY'))).not.toContain('NewImage');
    expect(records('KEYS_ONLY')).not.toHaveProperty('OldImage');
    expect(records('NEW_IMAGE').NewImage).toEqual(change.NewImage);
    expect(records('NEW_IMAGE')).not.toHaveProperty('OldImage');
    expect(records('OLD_IMAGE').OldImage).toEqual(change.OldImage);
    expect(records('NEW_AND_OLD_IMAGES')).toMatchObject({ NewImage: change.NewImage, OldImage: change.OldImage, StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });
  it('has the ARN shape and AWS SizeBytes (the documented example is 26 bytes)', () => {
    const t = table('NEW_AND_OLD_IMAGES');
    expect(t.arn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-01-01T00:00:00.000');
    t.append({ eventName: 'INSERT', Keys: { Id: { N: '101' } }, NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } } });
    expect(t.getRecordsSync(t.iteratorSync(t.shardId, { type: 'TRIM_HORIZON' }), 1).records[0].dynamodb!.SizeBytes).toBe(26);
  });
  it('rejects bad changes and appends nothing from a bad list', () => {
    const t = table('NEW_IMAGE');
    expect(() => t.append({ eventName: 'UPSERT', Keys: { a: { S: 'x' } } })).toThrow(/eventName must be INSERT, MODIFY or REMOVE/);
    expect(() => t.append({ eventName: 'INSERT', Keys: {} })).toThrow(/Keys must be a non-empty map/);
    expect(() => t.append({ eventName: 'INSERT', Keys: { a: 'x' } })).toThrow(/attribute value/);
    expect(() => t.append({ eventName: 'REMOVE', Keys: { a: { S: 'x' } }, NewImage: { a: { S: 'x' } } })).toThrow(/REMOVE record has no NewImage/);
    expect(() => t.appendAll([{ eventName: 'INSERT', Keys: { a: { S: 'x' } } }, { eventName: 'nope', Keys: {} }])).toThrow(StreamError);
    expect(t.recordCount()).toBe(0);
  });
});

describe('the registry', () => {
  it('finds embedded streams by ARN, then external resolvers; duplicate names are ResourceInUseException', () => {
    const remote = new Map<string, Stream>();
    const reg = new StreamRegistry({ region: 'eu-west-1', accountId: '111122223333', external: [(arn) => remote.get(arn)] });
    const s = reg.createKinesis({ name: 'a', shardCount: 1 });
    expect(reg.byArn('arn:aws:kinesis:eu-west-1:111122223333:stream/a')).toBe(s);
    expect(() => reg.createKinesis({ name: 'a', shardCount: 1 })).toThrow('Stream a under account 111122223333 already exists.');
    expect(reg.byArn('arn:aws:kinesis:eu-west-1:111122223333:stream/b')).toBeUndefined();
    remote.set('arn:aws:kinesis:eu-west-1:111122223333:stream/b', s);
    expect(reg.byArn('arn:aws:kinesis:eu-west-1:111122223333:stream/b')).toBe(s);
  });
});

describe('event shapes', () => {
  const ctx = { kind: 'kinesis' as const, streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream', shardId: 'shardId-000000000006', region: 'us-east-2', roleArn: 'arn:aws:iam::123456789012:role/lambda-role' };
  const record = { sequenceNumber: '49590338271490256608559692538361571095921575989136588898', arrival: 1545084650987, partitionKey: '1', data: Buffer.from('Hello, this is a test.') };
  it('Kinesis records are exactly the documented example', () => {
    expect(eventRecord(record, ctx)).toEqual({
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '1', sequenceNumber: record.sequenceNumber, data: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==', approximateArrivalTimestamp: 1545084650.987 },
      eventSource: 'aws:kinesis', eventVersion: '1.0', eventID: `shardId-000000000006:${record.sequenceNumber}`, eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role', awsRegion: 'us-east-2', eventSourceARN: ctx.streamArn,
    });
    expect(filterSubject(eventRecord(record, ctx))).toMatchObject({ partitionKey: '1', eventSource: 'aws:kinesis' });
  });
  it('DynamoDB records carry eventVersion 1.1 and the stream ARN', () => {
    const t = new EmbeddedDynamoDbStream({ table: 'T', region: 'us-east-1', accountId: '000000000000', label: 'L', viewType: 'NEW_AND_OLD_IMAGES' });
    t.append({ eventName: 'REMOVE', Keys: { Id: { N: '1' } }, OldImage: { Id: { N: '1' } }, ttl: true });
    const r = t.getRecordsSync(t.iteratorSync(t.shardId, { type: 'TRIM_HORIZON' }), 1).records[0];
    const e = eventRecord(r, { ...ctx, kind: 'dynamodb', streamArn: t.arn, region: 'us-east-1' });
    expect(e).toEqual({
      eventID: r.dynamodb!.eventID, eventName: 'REMOVE', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
      dynamodb: { ApproximateCreationDateTime: expect.any(Number), Keys: { Id: { N: '1' } }, OldImage: { Id: { N: '1' } }, SequenceNumber: r.sequenceNumber, SizeBytes: 6, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
      eventSourceARN: t.arn,
    });
  });
  it('the OnFailure record has AWS fields, an unqualified function ARN, and no responseContext on RecordAgeExceeded', () => {
    const base = {
      kind: 'kinesis' as const, streamArn: ctx.streamArn, shardId: 'shardId-000000000001', functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction:live',
      requestId: 'c9b8fa9f', approximateInvokeCount: 3, records: [record, { ...record, sequenceNumber: '49590338271490256608559692538361571095921575989136588899', arrival: 1545084651000 }], now: Date.UTC(2019, 10, 14),
    };
    expect(failureRecord({ ...base, condition: 'RetryAttemptsExhausted', response: { executedVersion: '$LATEST', functionError: 'Unhandled' } })).toEqual({
      requestContext: { requestId: 'c9b8fa9f', functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0', timestamp: '2019-11-14T00:00:00.000Z',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000001', startSequenceNumber: record.sequenceNumber, endSequenceNumber: '49590338271490256608559692538361571095921575989136588899',
        approximateArrivalOfFirstRecord: '2018-12-17T22:10:50.987Z', approximateArrivalOfLastRecord: '2018-12-17T22:10:51.000Z', batchSize: 2, streamArn: ctx.streamArn,
      },
    });
    const aged = failureRecord({ ...base, kind: 'dynamodb', condition: 'RecordAgeExceeded' });
    expect(aged).not.toHaveProperty('responseContext');
    expect(aged).toHaveProperty('DDBStreamBatchInfo.batchSize', 2);
    // DynamoDB's arrival times: whole seconds, no fraction.
    expect(aged).toHaveProperty('DDBStreamBatchInfo.approximateArrivalOfFirstRecord', '2018-12-17T22:10:50Z');
    expect(aged).toHaveProperty('DDBStreamBatchInfo.approximateArrivalOfLastRecord', '2018-12-17T22:10:51Z');
    expect(unqualified('arn:aws:lambda:r:1:function:f')).toBe('arn:aws:lambda:r:1:function:f');
  });
});

describe('tumbling windows', () => {
  it('align windows to multiples of the length and format bounds like AWS', () => {
    const t = Date.UTC(2020, 11, 9, 7, 5, 13, 250);
    expect(windowOf(t, 120)).toEqual({ start: Date.UTC(2020, 11, 9, 7, 4), end: Date.UTC(2020, 11, 9, 7, 6) });
    expect(windowOf(Date.UTC(2020, 11, 9, 7, 6), 120).start).toBe(Date.UTC(2020, 11, 9, 7, 6));
    expect(isoSeconds(Date.UTC(2020, 11, 9, 7, 4))).toBe('2020-12-09T07:04:00Z');
    expect(windowEnvelope(windowOf(t, 120), { a: 1 }, 'shardId-000000000006', 'arn', true, false)).toEqual({
      window: { start: '2020-12-09T07:04:00Z', end: '2020-12-09T07:06:00Z' }, state: { a: 1 }, shardId: 'shardId-000000000006',
      eventSourceARN: 'arn', isFinalInvokeForWindow: true, isWindowTerminatedEarly: false,
    });
  });
});

describe('reading the function answer', () => {
  const seqs = ['10', '9', '11'];
  const read = (s: string, partial = true, tumbling = false) => readResponse(Buffer.from(s), seqs, { partial, tumbling });
  it('checkpoints before the lowest failed sequence number (BigInt)', () => {
    expect(read('{"batchItemFailures":[{"itemIdentifier":"11"},{"itemIdentifier":"9"}]}')).toEqual({ ok: false, partial: true, failedFrom: '9' });
  });
  it('success and whole-batch failure per AWS edge cases', () => {
    for (const ok of ['', 'null', '""', '{}', '{"batchItemFailures":[]}', '{"batchItemFailures":null}']) expect(read(ok)).toEqual({ ok: true });
    for (const bad of ['{"batchItemFailures":[{"itemIdentifier":""}]}', '{"batchItemFailures":[{"itemIdentifier":"123"}]}', '{"batchItemFailures":[{"foo":"9"}]}', 'not json']) {
      expect(read(bad)).toMatchObject({ ok: false, partial: false });
    }
    expect(read('not json', false)).toEqual({ ok: true });
  });
  it('tumbling windows need a state object', () => {
    expect(read('{"state":{"n":1}}', false, true)).toEqual({ ok: true, state: { n: 1 } });
    expect(read('{}', false, true)).toMatchObject({ ok: false, partial: false });
  });
});

describe('template stream resources', () => {
  const load = (resources: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'eph-streams-'));
    const file = join(dir, 'template.yaml');
    writeFileSync(file, `Resources:\n${resources}`);
    try {
      const t = loadTemplate(file, { region: 'us-east-1', accountId: '000000000000' });
      const reg = new StreamRegistry({ region: 'us-east-1', accountId: '000000000000' });
      createTemplateStreams(t, reg);
      return { t, reg };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  it('names streams by Name / TableName, else the logical id; GetAtt gives the created ARNs', () => {
    const { t, reg } = load(`
  Named: { Type: AWS::Kinesis::Stream, Properties: { Name: clicks, ShardCount: 3, RetentionPeriodHours: 48 } }
  Plain: { Type: AWS::Kinesis::Stream }
  OnDemand: { Type: AWS::Kinesis::Stream, Properties: { StreamModeDetails: { StreamMode: ON_DEMAND } } }
  Table: { Type: AWS::DynamoDB::Table, Properties: { TableName: orders, StreamSpecification: { StreamViewType: NEW_IMAGE } } }
  NoStream: { Type: AWS::DynamoDB::Table, Properties: { TableName: plain } }
  Out:
    Type: AWS::SQS::Queue
    Properties: { Tags: [{ Key: a, Value: !GetAtt Named.Arn }, { Key: b, Value: !GetAtt Table.StreamArn }] }
`);
    expect(reg.kinesisStreams().map((s) => [s.name, s.shardInfos().length, s.retentionPeriodHours, s.mode])).toEqual([
      ['clicks', 3, 48, 'PROVISIONED'], ['Plain', 1, 24, 'PROVISIONED'], ['OnDemand', 4, 24, 'ON_DEMAND'],
    ]);
    expect(reg.tableStreams().map((s) => [s.name, s.viewType])).toEqual([['orders', 'NEW_IMAGE']]);
    const tags = t.resources!.Out.Properties.Tags as { Value: string }[];
    expect(reg.byArn(tags[0].Value)?.name).toBe('clicks');
    expect(reg.byArn(tags[1].Value)?.name).toBe('orders');
    expect(t.warnings.map((w) => `${w.resource}: ${w.message}`)).toContain('NoStream: Properties: a table without StreamSpecification: there is no DynamoDB locally, so nothing is emulated for it');
  });
  it('rejects bad properties with the property path', () => {
    expect(() => load('  S: { Type: AWS::Kinesis::Stream, Properties: { ShardCount: 0 } }\n')).toThrow(/Resources\.S\.Properties\.ShardCount: ShardCount must be an integer from 1 to 500; got 0/);
    expect(() => load('  S: { Type: AWS::Kinesis::Stream, Properties: { RetentionPeriodHours: 2 } }\n')).toThrow(/RetentionPeriodHours must be an integer from 24 to 8760/);
    expect(() => load('  T: { Type: AWS::DynamoDB::Table, Properties: { StreamSpecification: { StreamViewType: ALL } } }\n')).toThrow(/StreamViewType must be one of KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES; got "ALL"/);
  });
});

describe('the wire endpoints (bad input)', () => {
  const registry = () => {
    const reg = new StreamRegistry({ region: 'us-east-1', accountId: '000000000000' });
    reg.createKinesis({ name: 's', shardCount: 2 });
    reg.createTableStream('T', 'KEYS_ONLY', 'L');
    return reg;
  };
  const call = async (handler: (r: WireRequest) => Promise<{ status: number; body: string }>, target: string, input: unknown) => {
    const a = await handler({ method: 'POST', url: '/', headers: { 'x-amz-target': target }, body: Buffer.from(JSON.stringify(input)) });
    return { status: a.status, body: JSON.parse(a.body) as Record<string, any> };
  };
  it('PutRecords with one bad ExplicitHashKey appends none of the request (a retry would duplicate the rest)', async () => {
    const reg = registry();
    const kinesisApi = kinesisHandler(reg);
    const a = await call(kinesisApi, 'Kinesis_20131202.PutRecords', {
      // 2^128: within the model's pattern, outside the hash-key space.
      StreamName: 's', Records: [{ PartitionKey: 'a', Data: 'eA==' }, { PartitionKey: 'b', Data: 'eA==', ExplicitHashKey: '340282366920938463463374607431768211456' }],
    });
    expect(a).toMatchObject({ status: 400, body: { __type: 'InvalidArgumentException' } });
    const b = await call(kinesisApi, 'Kinesis_20131202.PutRecords', {
      StreamName: 's', Records: [{ PartitionKey: 'a', Data: 'eA==' }, { PartitionKey: 'b', Data: 'eA==', ExplicitHashKey: '-1' }],
    });
    expect(b).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
    expect(reg.kinesisByName('s')!.recordCount()).toBe(0);
  });
  it('a NextToken that decodes to JSON but not to a token is InvalidArgumentException, not a 500', async () => {
    const kinesisApi = kinesisHandler(registry());
    for (const token of ['null', '5', '"x"', '[]']) {
      const NextToken = Buffer.from(token).toString('base64');
      expect(await call(kinesisApi, 'Kinesis_20131202.ListShards', { NextToken })).toMatchObject({ status: 400, body: { __type: 'InvalidArgumentException' } });
      expect(await call(kinesisApi, 'Kinesis_20131202.ListStreams', { NextToken })).toMatchObject({ status: 400, body: { __type: 'InvalidArgumentException' } });
    }
  });
  it('DynamoDB Streams answers a bad SequenceNumber with its own ValidationException (it has no InvalidArgumentException)', async () => {
    const reg = registry();
    const t = reg.tableStream('T')!;
    const a = await call(dynamoDbStreamsHandler(reg), 'DynamoDBStreams_20120810.GetShardIterator', {
      StreamArn: t.arn, ShardId: t.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: 'abc',
    });
    expect(a).toMatchObject({ status: 400, body: { __type: 'com.amazonaws.dynamodb.v20120810#ValidationException' } });
  });
});
