// The SQS query protocol (aws CLI v2 before 2.13, boto3 before 1.31, older SDKs): `Action=...` form
// parameters on `/` or a queue URL, flattened 1-based lists and maps turned into the JSON protocol's
// shapes, and XML answers.
import { randomUUID } from 'node:crypto';
import type { WireAnswer, WireRequest } from '../../wire/wire-contract.ts';
import type { EmbeddedQueues } from '../embedded-queues.ts';
import { SqsError, messageTooLong } from '../sqs-error.ts';
import type { Input } from './sqs-input.ts';
import { runAction } from './sqs-queue-actions.ts';
import { renderError, renderResult } from './sqs-xml.ts';
import { parseForm } from './wire-text.ts';

/**
 * `A.1.B=x` → {A:[{B:'x'}]}: a node whose keys are all numeric becomes a list in index order (gaps
 * closed), so a huge index costs nothing. Null-prototype nodes, and `__proto__` segments dropped.
 */
export function unflatten(params: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  for (const [key, value] of params) {
    const parts = key.split('.');
    if (parts.includes('__proto__')) continue;
    let holder = root;
    for (const part of parts.slice(0, -1)) {
      if (typeof holder[part] !== 'object' || holder[part] === null) holder[part] = Object.create(null);
      holder = holder[part] as Record<string, unknown>;
    }
    holder[parts[parts.length - 1]] = value;
  }
  return toLists(root) as Record<string, unknown>;
}

function toLists(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const entries = Object.entries(v).map(([k, x]): [string, unknown] => [k, toLists(x)]);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, x]) => x);
  }
  return Object.fromEntries(entries);
}

const dense = (v: unknown): unknown[] => (Array.isArray(v) ? v.filter((x) => x !== undefined) : []);

function pairMap(v: unknown, keyName: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of dense(v) as Record<string, unknown>[]) if (e && typeof e[keyName] === 'string') out[e[keyName] as string] = e.Value;
  return out;
}

/** The flattened query names of SQS → the JSON protocol's member names and shapes. */
export function toJsonShape(node: Record<string, unknown>): Input {
  const out: Input = {};
  for (const [k, v] of Object.entries(node)) {
    switch (k) {
      case 'Attribute': out.Attributes = pairMap(v, 'Name'); break;
      case 'AttributeName': out.AttributeNames = dense(v); break;
      case 'MessageSystemAttributeName': out.MessageSystemAttributeNames = dense(v); break;
      case 'MessageAttributeName': out.MessageAttributeNames = dense(v); break;
      case 'MessageAttribute': out.MessageAttributes = pairMap(v, 'Name'); break;
      case 'MessageSystemAttribute': out.MessageSystemAttributes = pairMap(v, 'Name'); break;
      case 'Tag': out.tags = out.Tags = pairMap(v, 'Key'); break;
      case 'TagKey': out.TagKeys = dense(v); break;
      case 'SendMessageBatchRequestEntry':
      case 'DeleteMessageBatchRequestEntry':
      case 'ChangeMessageVisibilityBatchRequestEntry':
        out.Entries = (dense(v) as Record<string, unknown>[]).map(toJsonShape);
        break;
      default: out[k] = v;
    }
  }
  return out;
}

/** A request over the wire body limit: what SQS answers for a message over the maximum size, in XML. */
export function sqsQueryTooLarge(): WireAnswer<string> {
  const requestId = randomUUID();
  const err = messageTooLong();
  return { status: err.status, headers: { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId }, body: renderError(err, requestId) };
}

export function sqsQueryHandler(queues: EmbeddedQueues, onInternalError: (err: unknown) => void) {
  return async (req: WireRequest): Promise<WireAnswer<string>> => {
    const requestId = randomUUID();
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    // The query string (bytes Node hands over as latin1) and then the form body, decoded byte-wise.
    const all = [...parseForm(Buffer.from(q < 0 ? '' : req.url.slice(q + 1), 'latin1')), ...parseForm(req.body)];
    const action = all.find(([k]) => k === 'Action')?.[1] ?? '';
    const params = all.filter(([k]) => k !== 'Action' && k !== 'Version');
    const host = String(req.headers.host ?? 'localhost');
    const pathQueueUrl = /^\/\d{12}\/[^/]+\/?$/.test(path) ? `http://${host}${path}` : undefined;
    const headers = { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId };
    try {
      const result = await runAction({ queues, host, pathQueueUrl, signal: req.signal }, action, toJsonShape(unflatten(params)));
      return { status: 200, headers, body: renderResult(action, result, requestId) };
    } catch (e) {
      let err = e;
      if (!(err instanceof SqsError)) {
        onInternalError(err);
        err = new SqsError('InternalError', 'We encountered an internal error. Please try again.');
      }
      return { status: (err as SqsError).status, headers, body: renderError(err as SqsError, requestId) };
    }
  };
}
