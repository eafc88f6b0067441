// The SNS query protocol (the aws CLI, boto3 and the AWS SDK for JavaScript v3 all speak it): `Action=`
// form parameters on `/`, SNS's non-flattened lists (`Tags.member.1.Key`) and maps
// (`Attributes.entry.1.key`, `MessageAttributes.entry.1.Name`/`.Value.DataType`) turned into the JSON
// shapes, and XML answers.
import { randomUUID } from 'node:crypto';
import { unflatten } from '../../sqs/wire/sqs-query.ts';
import { parseForm } from '../../sqs/wire/wire-text.ts';
import type { WireAnswer, WireRequest } from '../../wire/wire-contract.ts';
import { invalidParameter, SnsError } from '../sns-error.ts';
import { type Input, runAction, type SnsContext } from './sns-actions.ts';
import { renderError, renderResult } from './sns-xml.ts';

/** `{member: [...]}` → a list, `{entry: [{key|Name, value|Value}]}` → a map, recursively. */
export function toJsonShape(node: unknown): unknown {
  if (typeof node !== 'object' || node === null) return node;
  if (Array.isArray(node)) return node.filter((x) => x !== undefined).map(toJsonShape);
  const keys = Object.keys(node);
  const obj = node as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === 'member') return toJsonShape(Array.isArray(obj.member) ? obj.member : [obj.member]);
  if (keys.length === 1 && keys[0] === 'entry') {
    const out: Record<string, unknown> = {};
    const entries = (Array.isArray(obj.entry) ? obj.entry : [obj.entry]) as Record<string, unknown>[];
    for (const e of entries) {
      if (!e) continue;
      const k = e.key ?? e.Name;
      if (typeof k === 'string') out[k] = toJsonShape(e.value ?? e.Value);
    }
    return out;
  }
  return Object.fromEntries(keys.map((k) => [k, toJsonShape(obj[k])]));
}

const headersFor = (requestId: string): Record<string, string> => ({ 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId });

/** A request over the wire body limit: a message over SNS's maximum, in XML. */
export function snsQueryTooLarge(): WireAnswer<string> {
  const requestId = randomUUID();
  const err = invalidParameter('Invalid parameter: Message too long');
  return { status: err.status, headers: headersFor(requestId), body: renderError(err, requestId) };
}

export function snsQueryHandler(ctx: SnsContext, onInternalError: (err: unknown) => void) {
  return async (req: WireRequest): Promise<WireAnswer<string>> => {
    const requestId = randomUUID();
    const q = req.url.indexOf('?');
    const all = [...parseForm(Buffer.from(q < 0 ? '' : req.url.slice(q + 1), 'latin1')), ...parseForm(req.body)];
    const action = all.find(([k]) => k === 'Action')?.[1] ?? '';
    const params = all.filter(([k]) => k !== 'Action' && k !== 'Version');
    try {
      const result = await runAction(ctx, action, toJsonShape(unflatten(params)) as Input);
      return { status: 200, headers: headersFor(requestId), body: renderResult(action, result, requestId) };
    } catch (e) {
      let err = e;
      if (!(err instanceof SnsError)) {
        onInternalError(err);
        err = new SnsError('InternalError', 'We encountered an internal error. Please try again.');
      }
      return { status: (err as SnsError).status, headers: headersFor(requestId), body: renderError(err as SnsError, requestId) };
    }
  };
}
