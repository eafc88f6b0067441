// The Lambda REST bindings of the operations the conformance data uses (method, path, which input
// members go to the query string or headers, which output members come from headers or the status),
// as the service model defines them, and the raw HTTP request/answer of one step built from them.
import { Bytes } from './vars.ts';
import type { Observation, RawAnswer, RawRequest } from './observation.ts';

interface RestOp {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path with `{Member}` labels; a fixed query (`?List=ALL`) may follow. */
  uri: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** The member sent as the raw body (Invoke's Payload). */
  payload?: string;
  outHeaders?: Record<string, string>;
  /** The output member holding the HTTP status (Invoke's StatusCode). */
  outStatus?: string;
  /** The output member holding the raw body. */
  outPayload?: string;
}

const FN = '/2015-03-31/functions/{FunctionName}';
const Q = { Qualifier: 'Qualifier' };
const PAGE = { Marker: 'Marker', MaxItems: 'MaxItems' };
const EIC = '/2019-09-25/functions/{FunctionName}/event-invoke-config';
const URL_CONFIG = '/2021-10-31/functions/{FunctionName}/url';
const PROVISIONED = '/2019-09-30/functions/{FunctionName}/provisioned-concurrency';
const DURABLE = '/2025-12-01/durable-executions/{DurableExecutionArn}';

export const LAMBDA_OPS: Record<string, RestOp> = {
  CreateFunction: { method: 'POST', uri: '/2015-03-31/functions' },
  GetFunction: { method: 'GET', uri: FN, query: Q },
  GetFunctionConfiguration: { method: 'GET', uri: `${FN}/configuration`, query: Q },
  UpdateFunctionConfiguration: { method: 'PUT', uri: `${FN}/configuration` },
  UpdateFunctionCode: { method: 'PUT', uri: `${FN}/code` },
  DeleteFunction: { method: 'DELETE', uri: FN, query: Q, outStatus: 'StatusCode' },
  ListFunctions: { method: 'GET', uri: '/2015-03-31/functions', query: { ...PAGE, FunctionVersion: 'FunctionVersion', MasterRegion: 'MasterRegion' } },
  PublishVersion: { method: 'POST', uri: `${FN}/versions` },
  ListVersionsByFunction: { method: 'GET', uri: `${FN}/versions`, query: PAGE },
  CreateAlias: { method: 'POST', uri: `${FN}/aliases` },
  GetAlias: { method: 'GET', uri: `${FN}/aliases/{Name}` },
  UpdateAlias: { method: 'PUT', uri: `${FN}/aliases/{Name}` },
  DeleteAlias: { method: 'DELETE', uri: `${FN}/aliases/{Name}` },
  ListAliases: { method: 'GET', uri: `${FN}/aliases`, query: { ...PAGE, FunctionVersion: 'FunctionVersion' } },
  Invoke: {
    method: 'POST', uri: `${FN}/invocations`, query: Q, payload: 'Payload',
    headers: { InvocationType: 'X-Amz-Invocation-Type', LogType: 'X-Amz-Log-Type', ClientContext: 'X-Amz-Client-Context' },
    outStatus: 'StatusCode', outPayload: 'Payload',
    outHeaders: { FunctionError: 'X-Amz-Function-Error', LogResult: 'X-Amz-Log-Result', ExecutedVersion: 'X-Amz-Executed-Version' },
  },
  PutFunctionConcurrency: { method: 'PUT', uri: '/2017-10-31/functions/{FunctionName}/concurrency' },
  GetFunctionConcurrency: { method: 'GET', uri: '/2019-09-30/functions/{FunctionName}/concurrency' },
  DeleteFunctionConcurrency: { method: 'DELETE', uri: '/2017-10-31/functions/{FunctionName}/concurrency' },
  PutProvisionedConcurrencyConfig: { method: 'PUT', uri: PROVISIONED, query: Q },
  GetProvisionedConcurrencyConfig: { method: 'GET', uri: PROVISIONED, query: Q },
  DeleteProvisionedConcurrencyConfig: { method: 'DELETE', uri: PROVISIONED, query: Q },
  ListProvisionedConcurrencyConfigs: { method: 'GET', uri: `${PROVISIONED}?List=ALL`, query: PAGE },
  GetAccountSettings: { method: 'GET', uri: '/2016-08-19/account-settings' },
  PutFunctionEventInvokeConfig: { method: 'PUT', uri: EIC, query: Q },
  UpdateFunctionEventInvokeConfig: { method: 'POST', uri: EIC, query: Q },
  GetFunctionEventInvokeConfig: { method: 'GET', uri: EIC, query: Q },
  DeleteFunctionEventInvokeConfig: { method: 'DELETE', uri: EIC, query: Q },
  ListFunctionEventInvokeConfigs: { method: 'GET', uri: `${EIC}/list`, query: PAGE },
  TagResource: { method: 'POST', uri: '/2017-03-31/tags/{Resource}' },
  UntagResource: { method: 'DELETE', uri: '/2017-03-31/tags/{Resource}', query: { TagKeys: 'tagKeys' } },
  ListTags: { method: 'GET', uri: '/2017-03-31/tags/{Resource}' },
  CreateEventSourceMapping: { method: 'POST', uri: '/2015-03-31/event-source-mappings' },
  GetEventSourceMapping: { method: 'GET', uri: '/2015-03-31/event-source-mappings/{UUID}' },
  UpdateEventSourceMapping: { method: 'PUT', uri: '/2015-03-31/event-source-mappings/{UUID}' },
  DeleteEventSourceMapping: { method: 'DELETE', uri: '/2015-03-31/event-source-mappings/{UUID}' },
  ListEventSourceMappings: { method: 'GET', uri: '/2015-03-31/event-source-mappings', query: { ...PAGE, EventSourceArn: 'EventSourceArn', FunctionName: 'FunctionName' } },
  CreateFunctionUrlConfig: { method: 'POST', uri: URL_CONFIG, query: Q },
  GetFunctionUrlConfig: { method: 'GET', uri: URL_CONFIG, query: Q },
  UpdateFunctionUrlConfig: { method: 'PUT', uri: URL_CONFIG, query: Q },
  DeleteFunctionUrlConfig: { method: 'DELETE', uri: URL_CONFIG, query: Q },
  ListFunctionUrlConfigs: { method: 'GET', uri: '/2021-10-31/functions/{FunctionName}/urls', query: PAGE },
  GetFunctionCodeSigningConfig: { method: 'GET', uri: '/2020-06-30/functions/{FunctionName}/code-signing-config' },
  GetPolicy: { method: 'GET', uri: `${FN}/policy`, query: Q },
  ListDurableExecutionsByFunction: {
    method: 'GET', uri: '/2025-12-01/functions/{FunctionName}/durable-executions',
    query: { ...PAGE, Qualifier: 'Qualifier', DurableExecutionName: 'DurableExecutionName', Statuses: 'Statuses', ReverseOrder: 'ReverseOrder' },
  },
  GetDurableExecution: { method: 'GET', uri: DURABLE, query: { IncludeExecutionData: 'IncludeExecutionData' } },
  GetDurableExecutionHistory: { method: 'GET', uri: `${DURABLE}/history`, query: { ...PAGE, IncludeExecutionData: 'IncludeExecutionData', ReverseOrder: 'ReverseOrder' } },
};

/** JSON with Bytes as base64, as the REST-JSON protocol sends blobs inside a body. */
export function jsonWithBlobs(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Bytes ? v.bytes.toString('base64') : v));
}

/** RFC 3986 encoding of a path label, as the SDKs write it (`:` and `$` escaped too). */
const label = (v: unknown): string => encodeURIComponent(String(v)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function lambdaRequest(op: string, input: Record<string, unknown>): RawRequest {
  const spec = LAMBDA_OPS[op];
  if (!spec) throw new Error(`no REST binding for Lambda ${op}`);
  const rest: Record<string, unknown> = { ...input };
  const [pathTemplate, fixedQuery] = spec.uri.split('?');
  const path = pathTemplate.replace(/\{(\w+)\}/g, (_a, m: string) => {
    const v = rest[m];
    delete rest[m];
    return label(v);
  });
  const query = new URLSearchParams(fixedQuery ?? '');
  for (const [member, name] of Object.entries(spec.query ?? {})) {
    const v = rest[member];
    delete rest[member];
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) query.append(name, String(one));
  }
  const headers: Record<string, string> = {};
  for (const [member, name] of Object.entries(spec.headers ?? {})) {
    if (rest[member] !== undefined) headers[name] = String(rest[member]);
    delete rest[member];
  }
  let body: Buffer | undefined;
  if (spec.payload) {
    const p = rest[spec.payload];
    body = p instanceof Bytes ? p.bytes : p === undefined ? undefined : Buffer.from(String(p));
  } else if (Object.keys(rest).length > 0 || spec.method === 'POST' || spec.method === 'PUT') {
    body = Buffer.from(jsonWithBlobs(rest));
    headers['Content-Type'] = 'application/json';
  }
  const qs = query.toString();
  return { method: spec.method, path: qs ? `${path}?${qs}` : path, headers, body };
}

/** The operation's view of a raw answer: the error, or the output from body, headers and status. */
export function lambdaObservation(op: string, answer: RawAnswer): Observation {
  const spec = LAMBDA_OPS[op];
  const obs: Observation = { status: answer.status, headers: answer.headers };
  const text = answer.body.toString('utf8');
  if (answer.status >= 400) {
    const body = parseJson(text);
    obs.errorBody = body;
    obs.error = {
      type: (answer.headers['x-amzn-errortype'] ?? '').split(':')[0],
      message: typeof body?.message === 'string' ? body.message : typeof body?.Message === 'string' ? body.Message : undefined,
    };
    return obs;
  }
  // A payload member is always there (empty for an Event invoke), as the SDKs read it.
  const output: Record<string, unknown> = spec.outPayload ? { [spec.outPayload]: text } : (parseJson(text) ?? {});
  for (const [member, header] of Object.entries(spec.outHeaders ?? {})) {
    const v = answer.headers[header.toLowerCase()];
    if (v !== undefined) output[member] = v;
  }
  if (spec.outStatus) output[spec.outStatus] = answer.status;
  obs.output = output;
  return obs;
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
