// --sqs-endpoint / EPHEMERA_SQS_ENDPOINT: `aws` or an http(s) URL, anything else refused at start-up;
// and the composite queue directory's lookup order (embedded sources first, then the external one).
import { describe, expect, it } from 'vitest';
import { ExternalQueues } from '../../services/sqs/aws-sqs.ts';
import { CompositeQueueDirectory } from '../../services/sqs/queue-directory.ts';
import { parseOptions } from '../../server/options.ts';
import { MemoryQueue } from '../helpers/memory-queue.ts';

describe('--sqs-endpoint', () => {
  it('takes aws or a URL, from the flag or the environment', () => {
    expect(parseOptions(['--sqs-endpoint', 'aws'], {}).sqsEndpoint).toBe('aws');
    expect(parseOptions(['--sqs-endpoint=http://localhost:9324'], {}).sqsEndpoint).toBe('http://localhost:9324');
    expect(parseOptions([], { EPHEMERA_SQS_ENDPOINT: 'https://sqs.eu-west-1.amazonaws.com' }).sqsEndpoint).toBe('https://sqs.eu-west-1.amazonaws.com');
    expect(parseOptions([], {}).sqsEndpoint).toBeUndefined();
  });
  it('refuses anything else', () => {
    expect(() => parseOptions(['--sqs-endpoint', 'localhost:9324'], {})).toThrow("--sqs-endpoint must be aws or an http(s) URL, got 'localhost:9324'");
  });
});

describe('CompositeQueueDirectory', () => {
  it('asks the embedded sources first, then the external endpoint for any other SQS ARN', () => {
    const embedded = new MemoryQueue('local');
    const sources = [{ byArn: (arn: string) => (arn === embedded.arn ? embedded : undefined) }];
    const external = new ExternalQueues({ endpoint: 'http://127.0.0.1:9' });
    const dir = new CompositeQueueDirectory([...sources, external]);
    expect(dir.byArn(embedded.arn)).toBe(embedded);
    const other = dir.byArn('arn:aws:sqs:eu-west-1:123456789012:elsewhere.fifo');
    expect(other).toMatchObject({ name: 'elsewhere.fifo', fifo: true, arn: 'arn:aws:sqs:eu-west-1:123456789012:elsewhere.fifo' });
    expect(dir.byArn('arn:aws:kinesis:us-east-1:123456789012:stream/s')).toBeUndefined();
    expect(new CompositeQueueDirectory(sources).byArn('arn:aws:sqs:us-east-1:000000000000:nope')).toBeUndefined();
    external.close();
  });
});
