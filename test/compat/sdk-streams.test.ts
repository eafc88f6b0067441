// The AWS SDK v3 Kinesis client (HTTP/2, JSON 1.1) and DynamoDB Streams client (JSON 1.0) against a
// real emulator: the control and data calls, AWS's errors, and records put with the SDK reaching the
// template's mapping in order per shard.
import {
  CreateStreamCommand, DeleteStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand,
  GetShardIteratorCommand, KinesisClient, ListShardsCommand, ListStreamsCommand, PutRecordCommand, PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import {
  DescribeStreamCommand as DdbDescribeStream, DynamoDBStreamsClient, GetRecordsCommand as DdbGetRecords,
  GetShardIteratorCommand as DdbGetShardIterator, ListStreamsCommand as DdbListStreams,
} from '@aws-sdk/client-dynamodb-streams';
import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, startEmulator, type TestEmulator, waitFor } from '../helpers/emulator.ts';

let em: TestEmulator;
let kinesis: KinesisClient;
let streams: DynamoDBStreamsClient;
const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };

beforeAll(async () => {
  em = await startEmulator(fixture('templates/streams.yaml'), { timeScale: 0.05 });
  kinesis = new KinesisClient({ endpoint: em.url, region: 'us-east-1', credentials });
  streams = new DynamoDBStreamsClient({ endpoint: em.url, region: 'us-east-1', credentials });
});
afterAll(async () => {
  kinesis?.destroy();
  streams?.destroy();
  expect(await em.stopChecked()).toEqual([]);
});

describe('@aws-sdk/client-kinesis', () => {
  it('creates, describes, lists, reads and deletes a stream', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'sdk-made', ShardCount: 3 }));
    const d = (await kinesis.send(new DescribeStreamCommand({ StreamName: 'sdk-made' }))).StreamDescription!;
    expect(d).toMatchObject({ StreamName: 'sdk-made', StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/sdk-made', StreamStatus: 'ACTIVE', RetentionPeriodHours: 24, HasMoreShards: false, EncryptionType: 'NONE' });
    expect(d.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(d.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']);
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamARN: d.StreamARN }))).StreamDescriptionSummary!;
    expect(summary).toMatchObject({ OpenShardCount: 3, ConsumerCount: 0 });
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(expect.arrayContaining(['clicks', 'sdk-made']));
    const page1 = await kinesis.send(new ListShardsCommand({ StreamName: 'sdk-made', MaxResults: 2 }));
    expect(page1.Shards!.length).toBe(2);
    const page2 = await kinesis.send(new ListShardsCommand({ NextToken: page1.NextToken }));
    expect(page2.Shards!.map((s) => s.ShardId)).toEqual(['shardId-000000000002']);
    expect(page2.NextToken).toBeUndefined();

    const put = await kinesis.send(new PutRecordsCommand({
      StreamName: 'sdk-made', Records: Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `k${i % 5}`, Data: Buffer.from(`v${i}`) })),
    }));
    expect(put.FailedRecordCount).toBe(0);
    const shardOfFirst = put.Records![0].ShardId!;
    const it = (await kinesis.send(new GetShardIteratorCommand({ StreamName: 'sdk-made', ShardId: shardOfFirst, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 100 }));
    expect(Buffer.from(got.Records![0].Data!).toString()).toBe('v0');
    expect(got.Records![0].ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(got.Records!.map((r) => r.SequenceNumber)).toEqual(put.Records!.filter((r) => r.ShardId === shardOfFirst).map((r) => r.SequenceNumber));
    expect(got.MillisBehindLatest).toBe(0);
    const after = (await kinesis.send(new GetShardIteratorCommand({
      StreamName: 'sdk-made', ShardId: shardOfFirst, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: got.Records![0].SequenceNumber,
    }))).ShardIterator!;
    expect((await kinesis.send(new GetRecordsCommand({ ShardIterator: after }))).Records!.length).toBe(got.Records!.length - 1);

    await kinesis.send(new DeleteStreamCommand({ StreamName: 'sdk-made' }));
    await expect(kinesis.send(new DescribeStreamCommand({ StreamName: 'sdk-made' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException', message: 'Stream sdk-made under account 000000000000 not found.', $metadata: { httpStatusCode: 400 },
    });
  });

  it('answers bad input with AWS error types', async () => {
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 1 }))).rejects.toMatchObject({
      name: 'ResourceInUseException', message: 'Stream clicks under account 000000000000 already exists.',
    });
    await expect(kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: '', Data: Buffer.from('x') }))).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator: 'bogus' }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    await expect(kinesis.send(new GetShardIteratorCommand({ StreamName: 'clicks', ShardId: 'shardId-000000000009', ShardIteratorType: 'LATEST' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('validates input as Kinesis does: the exact error type, status and message (SDK over HTTP/2, and raw HTTP)', async () => {
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'too-many', ShardCount: 100000 }))).rejects.toMatchObject({
      name: 'LimitExceededException', $metadata: { httpStatusCode: 400 },
      message: expect.stringMatching(new RegExp('^This request would exceed the shard limit for the account 000000000000 in us-east-1\\. Current shard count for the account: \\d+\\. Limit: 500\\. '
        + 'Number of additional shards that would have resulted from this request: 100000\\. Refer to the AWS Service Limits page '
        + '\\(http://docs\\.aws\\.amazon\\.com/general/latest/gr/aws_service_limits\\.html\\) for current limits and how to request higher limits\\.$')),
    });
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'bogus', StreamModeDetails: { StreamMode: 'BOGUS' as 'ON_DEMAND' } }))).rejects.toMatchObject({
      name: 'ValidationException', $metadata: { httpStatusCode: 400 },
      message: "1 validation error detected: Value 'BOGUS' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
    });
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'bad name!', ShardCount: 0 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; "
        + "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    });
    await expect(kinesis.send(new GetShardIteratorCommand({ StreamName: 'clicks', ShardId: 'shardId-000000000000', ShardIteratorType: 'NEWEST' as 'LATEST' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'NEWEST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]",
    });
    await expect(kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'k', Data: Buffer.alloc(1048577) }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    });
    // Data that is not base64 cannot come from an SDK (it encodes bytes itself): raw HTTP.
    const raw = async (action: string, input: unknown) => {
      const res = await fetch(em.url, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `Kinesis_20131202.${action}` }, body: JSON.stringify(input) });
      return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: (await res.json()) as Record<string, unknown> };
    };
    expect(await raw('PutRecord', { StreamName: 'clicks', PartitionKey: 'k', Data: 'not base64!' })).toEqual({
      status: 400, type: 'SerializationException',
      body: { __type: 'SerializationException', Message: "'not base64!' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 11" },
    });
    expect((await raw('PutRecords', { StreamName: 'clicks', Records: [{ PartitionKey: 'k', Data: 'a$b=' }] })).body.Message)
      .toBe("'a$b=' can not be converted to a Blob: Invalid Base64 character: '$'");
    expect((await raw('PutRecord', { StreamName: 'clicks', PartitionKey: 7, Data: 'eA==' })).body).toEqual({
      __type: 'SerializationException', Message: 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String',
    });
  });

  it('applies Kinesis\'s own request limits: 10 MiB of records per PutRecords, and a bare 413 past the wire limit', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'big', ShardCount: 1 }));
    const mib = Buffer.alloc(1024 * 1024 - 8, 1); // with its partition key, just under 1 MiB
    const records = (n: number) => Array.from({ length: n }, (_, i) => ({ PartitionKey: `k${i}`, Data: mib }));
    // 11 MiB of records (about 14.7 MiB of JSON): Kinesis's own check, not a body-limit error.
    await expect(kinesis.send(new PutRecordsCommand({ StreamName: 'big', Records: records(11) }))).rejects.toMatchObject({
      name: 'InvalidArgumentException', message: 'Records size exceeds 10 MB limit', $metadata: { httpStatusCode: 400 },
    });
    // 10 MiB fits (the limit was 5 MiB before 2025).
    expect((await kinesis.send(new PutRecordsCommand({ StreamName: 'big', Records: records(10) }))).FailedRecordCount).toBe(0);
    // Over 16 MiB of body: the bare 413 of Kinesis's front end, over HTTP/1.1 and HTTP/2. (The SDK's own
    // HTTP/2 session resets a stream with more than 10 MB of it still queued once the server stops reading.)
    const body = Buffer.alloc(17 * 1024 * 1024, 0x20);
    const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' };
    const h1 = await fetch(em.url, { method: 'POST', headers, body });
    expect([h1.status, await h1.text()]).toEqual([413, '']);
    const session = connect(em.url, { maxSessionMemory: 64 });
    const h2 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = session.request({ ':method': 'POST', ':path': '/', ...headers });
      let status = 0;
      let text = '';
      req.on('response', (h) => { status = Number(h[':status']); });
      req.on('data', (d: Buffer) => { text += d.toString(); });
      req.on('end', () => resolve({ status, body: text }));
      req.on('error', reject);
      req.end(body);
    }).finally(() => session.close());
    expect(h2).toEqual({ status: 413, body: '' });
    await expect(kinesis.send(new PutRecordsCommand({ StreamName: 'big', Records: records(17) }))).rejects.toThrow();
    expect(em.eph.internals.streams.kinesisByName('big')!.recordCount()).toBe(10); // the refused requests appended nothing
    await kinesis.send(new DeleteStreamCommand({ StreamName: 'big' }));
  });

  it('records put with the SDK reach the template mapping in order per shard', async () => {
    const sent: Record<string, string[]> = {};
    for (let i = 0; i < 20; i++) {
      const r = await kinesis.send(new PutRecordCommand({ StreamName: 'clicks', PartitionKey: `user-${i % 4}`, Data: Buffer.from(`click-${i}`) }));
      (sent[r.ShardId!] ??= []).push(r.SequenceNumber!);
    }
    expect(Object.keys(sent).length).toBe(2);
    const delivered = () => em.lines.filter((l) => l.fn === 'stream-templated' && l.text.includes('\tEVENT '))
      .flatMap((l) => (JSON.parse(l.text.slice(l.text.indexOf('\tEVENT ') + 7)) as { Records: { eventID: string; kinesis?: { sequenceNumber: string } }[] }).Records)
      .filter((r) => r.kinesis);
    await waitFor(() => delivered().length >= 20, 15_000);
    for (const [shard, seqs] of Object.entries(sent)) {
      expect(delivered().filter((r) => r.eventID.startsWith(`${shard}:`)).map((r) => r.kinesis!.sequenceNumber)).toEqual(seqs);
    }
  });
});

describe('@aws-sdk/client-dynamodb-streams', () => {
  it('lists, describes and reads a table stream fed through /_ephemera', async () => {
    const res = await fetch(`${em.url}/_ephemera/dynamodb/orders/records`, {
      method: 'POST', body: JSON.stringify({ eventName: 'INSERT', Keys: { id: { S: 'sdk' } }, NewImage: { id: { S: 'sdk' }, n: { N: '1' } } }),
    });
    expect(res.status).toBe(200);
    const list = await streams.send(new DdbListStreams({ TableName: 'orders' }));
    expect(list.Streams).toEqual([{ StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/1970-01-01T00:00:00.000', TableName: 'orders', StreamLabel: '1970-01-01T00:00:00.000' }]);
    const d = (await streams.send(new DdbDescribeStream({ StreamArn: list.Streams![0].StreamArn }))).StreamDescription!;
    expect(d).toMatchObject({ StreamStatus: 'ENABLED', StreamViewType: 'NEW_AND_OLD_IMAGES', TableName: 'orders', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] });
    const it = (await streams.send(new DdbGetShardIterator({ StreamArn: d.StreamArn, ShardId: d.Shards![0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
    const got = await streams.send(new DdbGetRecords({ ShardIterator: it }));
    const rec = got.Records!.find((r) => r.dynamodb?.Keys?.id?.S === 'sdk')!;
    expect(rec).toMatchObject({ eventName: 'INSERT', eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1' });
    expect(rec.dynamodb!.NewImage).toEqual({ id: { S: 'sdk' }, n: { N: '1' } });
    expect(rec.dynamodb!.ApproximateCreationDateTime).toBeInstanceOf(Date);
    expect(got.NextShardIterator).toBeTruthy();
    await expect(streams.send(new DdbDescribeStream({ StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/nope/stream/x' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(streams.send(new DdbGetRecords({ ShardIterator: it, Limit: 0 }))).rejects.toMatchObject({
      name: 'ValidationException', $metadata: { httpStatusCode: 400 },
      message: "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    await expect(streams.send(new DdbGetShardIterator({ StreamArn: d.StreamArn, ShardId: 'short', ShardIteratorType: 'TRIM_HORIZON' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value 'short' at 'shardId' failed to satisfy constraint: Member must have length greater than or equal to 28",
    });
  });
});
