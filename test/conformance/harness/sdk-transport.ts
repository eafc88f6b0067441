// The AWS SDK for JavaScript v3 as a transport: one client per service against the emulator, each
// step sent as `new <Op>Command(input)`, the answer (or the thrown service exception) read back in
// the same terms as the wire transports. No retries, so a step is exactly one request.
import * as dynamodbstreams from '@aws-sdk/client-dynamodb-streams';
import * as kinesis from '@aws-sdk/client-kinesis';
import * as lambda from '@aws-sdk/client-lambda';
import * as sqs from '@aws-sdk/client-sqs';
import type { Service } from './case-file.ts';
import type { Observation } from './observation.ts';
import { Bytes } from './vars.ts';

type AnyClient = { send(command: unknown): Promise<Record<string, unknown>>; destroy(): void };
type CommandCtor = new (input: unknown) => unknown;

const MODULES: Record<Service, Record<string, unknown>> = { lambda, sqs, kinesis, dynamodbstreams };

/** Bytes → Uint8Array, as the SDK takes blobs. */
function sdkInput(value: unknown): unknown {
  if (value instanceof Bytes) return new Uint8Array(value.bytes);
  if (Array.isArray(value)) return value.map(sdkInput);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sdkInput(v)]));
  return value;
}

/** Blobs read back as the text they hold (Invoke's Payload, Kinesis records' Data). */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

export class SdkTransport {
  private readonly clients = new Map<Service, AnyClient>();
  private readonly endpoint: string;
  private readonly region: string;

  constructor(endpoint: string, region: string) {
    this.endpoint = endpoint;
    this.region = region;
  }

  private client(service: Service): AnyClient {
    let c = this.clients.get(service);
    if (!c) {
      const names: Record<Service, string> = { lambda: 'LambdaClient', sqs: 'SQSClient', kinesis: 'KinesisClient', dynamodbstreams: 'DynamoDBStreamsClient' };
      const Ctor = MODULES[service][names[service]] as new (config: unknown) => AnyClient;
      c = new Ctor({ endpoint: this.endpoint, region: this.region, credentials: { accessKeyId: 'conformance', secretAccessKey: 'conformance' }, maxAttempts: 1 });
      this.clients.set(service, c);
    }
    return c;
  }

  async run(service: Service, op: string, input: Record<string, unknown>): Promise<Observation> {
    const Command = MODULES[service][`${op}Command`] as CommandCtor | undefined;
    if (!Command) throw new Error(`the ${service} SDK has no ${op}Command`);
    try {
      const { $metadata, ...output } = await this.client(service).send(new Command(sdkInput(input)));
      // An empty Invoke payload (Event, DryRun) reads as null from this SDK, as "" from botocore's stream.
      if (service === 'lambda' && op === 'Invoke' && output.Payload === null) output.Payload = new Uint8Array(0);
      return { status: ($metadata as { httpStatusCode: number }).httpStatusCode, output: plain(output) as Record<string, unknown> };
    } catch (e) {
      const err = e as Error & { $metadata?: { httpStatusCode?: number }; Code?: string; Type?: string };
      if (!err.$metadata?.httpStatusCode) throw err;
      const queryCompatible = service === 'sqs';
      return {
        status: err.$metadata.httpStatusCode,
        error: { type: err.name, message: err.message, ...(queryCompatible && err.Code ? { code: err.Code, fault: err.Type } : {}) },
      };
    }
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
  }
}
