// SQS on the wire, both protocols: the JSON protocol (`X-Amz-Target: AmazonSQS.<Op>`, errors as
// `__type` plus `x-amzn-query-error`) and the query protocol (`Action=<Op>` form, XML answers), each
// turned into the operation's view so one expectation serves both.
import type { Observation, RawAnswer, RawRequest } from './observation.ts';
import { jsonWithBlobs, parseJson } from './lambda-wire.ts';
import { Bytes } from './vars.ts';
import { parseXml, type XmlNode } from './xml.ts';

export function sqsJsonRequest(op: string, input: Record<string, unknown>): RawRequest {
  return {
    method: 'POST', path: '/',
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `AmazonSQS.${op}` },
    body: Buffer.from(jsonWithBlobs(input)),
  };
}

/** Received binary attribute values as the text they hold (the wire sends base64; the SDK gives bytes). */
function binaryAsText(output: Record<string, unknown>): Record<string, unknown> {
  for (const m of (output.Messages as Array<{ MessageAttributes?: Record<string, { BinaryValue?: unknown }> }> | undefined) ?? []) {
    for (const a of Object.values(m.MessageAttributes ?? {})) {
      if (typeof a.BinaryValue === 'string') a.BinaryValue = Buffer.from(a.BinaryValue, 'base64').toString('utf8');
    }
  }
  return output;
}

export function jsonRpcObservation(answer: RawAnswer): Observation {
  const obs: Observation = { status: answer.status, headers: answer.headers };
  const body = parseJson(answer.body.toString('utf8'));
  if (answer.status >= 400) {
    obs.errorBody = body;
    const [code, fault] = (answer.headers['x-amzn-query-error'] ?? '').split(';');
    const type = typeof body?.__type === 'string' ? body.__type.slice(body.__type.indexOf('#') + 1) : undefined;
    const message = typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : undefined;
    obs.error = { type, message, ...(code ? { code, fault } : {}) };
    return obs;
  }
  obs.output = binaryAsText(body ?? {});
  return obs;
}

/** Query names of SQS's members: flattened lists and maps, 1-based. */
const LISTS: Record<string, string> = {
  AttributeNames: 'AttributeName', MessageAttributeNames: 'MessageAttributeName', MessageSystemAttributeNames: 'MessageSystemAttributeName',
  TagKeys: 'TagKey', AWSAccountIds: 'AWSAccountId', Actions: 'ActionName',
};
const MAPS: Record<string, [string, string]> = {
  Attributes: ['Attribute', 'Name'], MessageAttributes: ['MessageAttribute', 'Name'], MessageSystemAttributes: ['MessageSystemAttribute', 'Name'],
  Tags: ['Tag', 'Key'], tags: ['Tag', 'Key'],
};
const ENTRIES: Record<string, string> = {
  SendMessageBatch: 'SendMessageBatchRequestEntry', DeleteMessageBatch: 'DeleteMessageBatchRequestEntry',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibilityBatchRequestEntry',
};

function flatten(prefix: string, value: unknown, out: [string, string][], op: string): void {
  if (value === undefined || value === null) return;
  if (value instanceof Bytes) {
    out.push([prefix, value.bytes.toString('base64')]);
    return;
  }
  if (typeof value !== 'object') {
    out.push([prefix, String(value)]);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(`${prefix}.${i + 1}`, v, out, op));
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const at = (name: string): string => (prefix ? `${prefix}.${name}` : name);
    if (LISTS[k] && Array.isArray(v)) {
      v.forEach((x, i) => flatten(at(`${LISTS[k]}.${i + 1}`), x, out, op));
    } else if (MAPS[k] && v && typeof v === 'object') {
      const [name, key] = MAPS[k];
      Object.entries(v as Record<string, unknown>).forEach(([mk, mv], i) => {
        out.push([at(`${name}.${i + 1}.${key}`), mk]);
        flatten(at(`${name}.${i + 1}.Value`), mv, out, op);
      });
    } else if (k === 'Entries' && Array.isArray(v)) {
      v.forEach((x, i) => flatten(at(`${ENTRIES[op]}.${i + 1}`), x, out, op));
    } else if (k === 'StringListValues' || k === 'BinaryListValues') {
      (v as unknown[]).forEach((x, i) => flatten(at(`${k.replace('Values', 'Value')}.${i + 1}`), x, out, op));
    } else {
      flatten(at(k), v, out, op);
    }
  }
}

export function sqsQueryRequest(op: string, input: Record<string, unknown>): RawRequest {
  const params: [string, string][] = [['Action', op], ['Version', '2012-11-05']];
  flatten('', input, params, op);
  return {
    method: 'POST', path: '/',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(new URLSearchParams(params).toString()),
  };
}

const text = (n: XmlNode | undefined): string | undefined => n?.text;

/** A result element → the JSON protocol's output shape. */
function resultOf(node: XmlNode): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pairs = (name: string, key: string): Record<string, unknown> | undefined => {
    const all = node.all(name);
    if (all.length === 0) return undefined;
    return Object.fromEntries(all.map((a) => [text(a.child(key)), a.child('Value')?.children.length ? resultOf(a.child('Value')!) : text(a.child('Value'))]));
  };
  for (const child of node.children) {
    const n = child.name;
    if (n === 'Attribute' || n === 'MessageAttribute' || n === 'Tag') continue;
    if (n === 'QueueUrl' && node.name === 'ListQueuesResult') continue;
    if (n === 'Message') continue;
    if (n.endsWith('ResultEntry') || n === 'BatchResultErrorEntry') continue;
    out[n] = child.children.length ? resultOf(child) : child.text;
  }
  const attrs = pairs('Attribute', 'Name');
  if (attrs) out.Attributes = attrs;
  const mattrs = pairs('MessageAttribute', 'Name');
  if (mattrs) out.MessageAttributes = mattrs;
  const tags = pairs('Tag', 'Key');
  if (tags) out.Tags = tags;
  if (node.name === 'ListQueuesResult' && node.all('QueueUrl').length) out.QueueUrls = node.all('QueueUrl').map((q) => q.text);
  if (node.all('Message').length) out.Messages = node.all('Message').map(resultOf);
  const ok = node.children.filter((c) => c.name.endsWith('ResultEntry') && c.name !== 'BatchResultErrorEntry');
  if (ok.length) out.Successful = ok.map(resultOf);
  const failed = node.all('BatchResultErrorEntry');
  if (failed.length) out.Failed = failed.map(resultOf);
  return out;
}

export function queryObservation(answer: RawAnswer): Observation {
  const obs: Observation = { status: answer.status, headers: answer.headers };
  const doc = parseXml(answer.body.toString('utf8'));
  if (answer.status >= 400) {
    const err = doc?.child('Error');
    obs.error = { code: text(err?.child('Code')), fault: text(err?.child('Type')), message: text(err?.child('Message')) };
    return obs;
  }
  const result = doc?.children.find((c) => c.name.endsWith('Result'));
  obs.output = binaryAsText(result ? resultOf(result) : {});
  // Numbers and booleans are text in XML: the JSON protocol's types come back where the model has them.
  for (const entry of [obs.output.Successful ?? [], obs.output.Failed ?? []].flat() as Record<string, unknown>[]) {
    if (entry.SenderFault !== undefined) entry.SenderFault = entry.SenderFault === 'true';
  }
  return obs;
}
