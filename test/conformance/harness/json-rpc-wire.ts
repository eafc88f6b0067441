// The JSON RPC protocols of Kinesis (JSON 1.1) and DynamoDB Streams (JSON 1.0): `X-Amz-Target`,
// blobs as base64 both ways, errors as `__type`. The answer is read by sqs-wire's JSON reader.
import { Bytes } from './vars.ts';
import type { Observation, RawAnswer, RawRequest } from './observation.ts';
import { jsonRpcObservation } from './sqs-wire.ts';
import { jsonWithBlobs } from './lambda-wire.ts';

const TARGETS = {
  kinesis: { prefix: 'Kinesis_20131202', type: 'application/x-amz-json-1.1' },
  dynamodbstreams: { prefix: 'DynamoDBStreams_20120810', type: 'application/x-amz-json-1.0' },
};

export function jsonRpcRequest(service: keyof typeof TARGETS, op: string, input: Record<string, unknown>): RawRequest {
  const t = TARGETS[service];
  return {
    method: 'POST', path: '/',
    headers: { 'Content-Type': t.type, 'X-Amz-Target': `${t.prefix}.${op}` },
    body: Buffer.from(jsonWithBlobs(input)),
  };
}

/** Kinesis records carry their Data as base64 on the wire: compared as the text it encodes. */
export function kinesisObservation(answer: RawAnswer): Observation {
  const obs = jsonRpcObservation(answer);
  for (const r of (obs.output?.Records ?? []) as Record<string, unknown>[]) {
    if (typeof r.Data === 'string') r.Data = Buffer.from(r.Data, 'base64').toString('utf8');
  }
  return obs;
}

export { Bytes };
