// Sample API Gateway events: the REST proxy event (payload 1.0), the HTTP API event (payload 2.0) and
// the three Lambda authorizer events (REST TOKEN and REQUEST, HTTP API 2.0), in the shapes of
// /work/shared/reference/http-front-door.md §1.2–1.5, §2.3–2.4 and §4.2, §4.4 (the front door's own
// helpers for times and repeated values); flags as SAM CLI names them.
import { gatewayTime } from '../../front-door/gateway-ids.ts';
import { joined, lastAndAll } from '../../front-door/request-view.ts';
import { OptionsError } from '../../options.ts';
import { ACCOUNT_ID, PARTITION, REGION, type SampleContext, type SampleEvent, type Values, alnum, hex, isOn } from './sample-event.ts';

const BODY = { default: '{"test":"body"}', help: 'the request body (empty: no body)' };
const BASE64 = { default: 'false', switch: true, help: 'send the body base64-encoded with isBase64Encoded true (binary media types; SAM always does)' };
const METHOD = { default: 'POST', help: 'the HTTP method' };
const PATH = { default: 'path/to/resource', help: 'the request path (without the stage)' };
const DNS_SUFFIX = { default: '{region}.amazonaws.com', help: 'the end of the API\'s host name' };
const TOKEN = { default: 'incoming-client-token', help: 'the Authorization header\'s value (the identity source)' };
const QUERY = { default: '{"foo": "bar"}', help: 'the query string as a JSON object (a list value repeats the parameter)' };

const USER_AGENT = 'curl/8.5.0';
const SOURCE_IP = '198.51.100.10';

/** `/path` from `path`, `/path` or an empty path. */
function slash(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function traceId(ctx: SampleContext): string {
  return `Root=1-${Math.floor(ctx.now / 1000).toString(16)}-${hex(ctx, 12)}`;
}

/** `--querystringparameters` → [name, value] pairs in order. */
function queryPairs(json: string): Array<[string, string]> {
  let parsed: unknown;
  try {
    parsed = json === '' ? {} : JSON.parse(json);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OptionsError(`--querystringparameters must be a JSON object such as {"foo": "bar"}, got '${json}'`);
  }
  return Object.entries(parsed).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, String(x)]));
}

/** Path parameters of a resource template (`/items/{id}`, `/{proxy+}`) matched against a path; values not decoded. */
export function pathParameters(resource: string, path: string): Record<string, string> | null {
  const template = slash(resource).split('/').slice(1);
  const parts = slash(path).split('/').slice(1);
  const out: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const m = /^\{(.+?)(\+?)\}$/.exec(template[i]);
    if (m && m[2]) {
      out[m[1]] = parts.slice(i).join('/');
      return out;
    }
    if (i >= parts.length) throw new OptionsError(`--resource ${resource} does not match --path ${path}`);
    if (m) out[m[1]] = parts[i];
    else if (template[i] !== parts[i]) throw new OptionsError(`--resource ${resource} does not match --path ${path}`);
  }
  if (parts.length !== template.length) throw new OptionsError(`--resource ${resource} does not match --path ${path}`);
  return Object.keys(out).length ? out : null;
}

function body(v: Values): { body: string | null; isBase64Encoded: boolean } {
  if (v.body === '') return { body: null, isBase64Encoded: false };
  return isOn(v.base64) ? { body: Buffer.from(v.body).toString('base64'), isBase64Encoded: true } : { body: v.body, isBase64Encoded: false };
}

const awsProxy: SampleEvent = {
  help: 'an API Gateway REST API proxy event (payload format 1.0)',
  flags: {
    body: BODY, base64: BASE64, stage: { default: 'prod', help: 'the stage' }, method: METHOD,
    resource: { default: '/{proxy+}', help: 'the resource the request matched (its path template)' }, path: PATH,
    querystringparameters: QUERY, 'account-id': ACCOUNT_ID, region: REGION, 'dns-suffix': DNS_SUFFIX,
  },
  build: (v, ctx) => restRequest(v, ctx, alnum(ctx, 10)),
};

/** The payload 1.0 event a REST API's proxy integration gets (the REQUEST authorizer event starts from it). */
function restRequest(v: Values, ctx: SampleContext, apiId: string): Record<string, unknown> {
  const host = `${apiId}.execute-api.${v['dns-suffix']}`;
  const headerPairs: Array<[string, string]> = [
    ['Accept', '*/*'], ...(v.body !== '' ? [['Content-Type', 'application/json'] as [string, string]] : []), ['Host', host],
    ['User-Agent', USER_AGENT], ['X-Amzn-Trace-Id', traceId(ctx)], ['X-Forwarded-For', SOURCE_IP], ['X-Forwarded-Port', '443'], ['X-Forwarded-Proto', 'https'],
  ];
  const query = queryPairs(v.querystringparameters);
  const path = slash(v.path);
  return {
    resource: slash(v.resource),
    path,
    httpMethod: v.method,
    headers: lastAndAll(headerPairs).last,
    multiValueHeaders: lastAndAll(headerPairs).all,
    queryStringParameters: query.length ? lastAndAll(query).last : null,
    multiValueQueryStringParameters: query.length ? lastAndAll(query).all : null,
    pathParameters: pathParameters(v.resource, path),
    stageVariables: null,
    requestContext: {
      accountId: v['account-id'], apiId, deploymentId: alnum(ctx, 6), domainName: host, domainPrefix: apiId,
      extendedRequestId: ctx.random(11).toString('base64'), httpMethod: v.method,
      identity: {
        accessKey: null, accountId: null, caller: null, cognitoAuthenticationProvider: null, cognitoAuthenticationType: null,
        cognitoIdentityId: null, cognitoIdentityPoolId: null, principalOrgId: null, sourceIp: SOURCE_IP, user: null, userAgent: USER_AGENT, userArn: null,
      },
      path: `/${v.stage}${path}`, protocol: 'HTTP/1.1', requestId: ctx.uuid(), requestTime: gatewayTime(ctx.now), requestTimeEpoch: ctx.now,
      resourceId: alnum(ctx, 6), resourcePath: slash(v.resource), stage: v.stage,
    },
    ...body(v),
  };
}

/** The payload 2.0 request both the HTTP API event and its authorizer event start from. */
function v2Request(v: Values, ctx: SampleContext, apiId: string, extraHeaders: Array<[string, string]>): Record<string, unknown> {
  const host = `${apiId}.execute-api.${v['dns-suffix'] ?? `${v.region}.amazonaws.com`}`;
  const query = queryPairs(v.querystringparameters ?? '');
  const rawPath = v.stage === '$default' ? slash(v.path) : `/${v.stage}${slash(v.path)}`;
  const headers: Record<string, string> = {
    accept: '*/*', ...Object.fromEntries(extraHeaders), host, 'user-agent': USER_AGENT, 'x-amzn-trace-id': traceId(ctx),
    'x-forwarded-for': SOURCE_IP, 'x-forwarded-port': '443', 'x-forwarded-proto': 'https',
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: query.map(([k, x]) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`).join('&'),
    headers,
    ...(query.length ? { queryStringParameters: joined(query) } : {}),
    requestContext: {
      accountId: v['account-id'], apiId, domainName: host, domainPrefix: apiId,
      http: { method: v.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: ctx.random(11).toString('base64'), routeKey: '$default', stage: v.stage, time: gatewayTime(ctx.now), timeEpoch: ctx.now,
    },
  };
}

const httpApiProxy: SampleEvent = {
  help: 'an API Gateway HTTP API event (payload format 2.0)',
  flags: {
    body: BODY, base64: BASE64, stage: { default: '$default', help: 'the stage ($default is served at the root)' }, method: METHOD, path: PATH,
    querystringparameters: QUERY, 'account-id': ACCOUNT_ID, region: REGION, 'dns-suffix': DNS_SUFFIX,
  },
  build(v, ctx) {
    const withBody = v.body !== '';
    const request = v2Request(v, ctx, alnum(ctx, 10), withBody ? [['content-length', String(Buffer.byteLength(v.body))], ['content-type', 'application/json']] : []);
    return { ...request, ...(withBody ? body(v) : { isBase64Encoded: false }) };
  },
};

const METHOD_ARN_FLAGS = {
  'account-id': ACCOUNT_ID, partition: PARTITION, region: REGION,
  stage: { default: 'prod', help: 'the stage' }, method: { default: 'GET', help: 'the HTTP method' },
  resource: { default: 'path/to/resource', help: 'the request path in the method ARN' },
  restApiId: { default: 'a1b2c3d4e5', help: 'the REST API\'s id' }, token: TOKEN,
};

function methodArn(v: Values, apiId: string, path: string): string {
  return `arn:${v.partition}:execute-api:${v.region}:${v['account-id']}:${apiId}/${v.stage}/${v.method}/${path.replace(/^\//, '')}`;
}

const authorizer: SampleEvent = {
  help: 'an API Gateway REST API Lambda authorizer event (TOKEN)',
  flags: METHOD_ARN_FLAGS,
  build: (v) => ({ type: 'TOKEN', authorizationToken: v.token, methodArn: methodArn(v, v.restApiId, v.resource) }),
};

const requestAuthorizer: SampleEvent = {
  help: 'an API Gateway REST API Lambda authorizer event (REQUEST)',
  flags: { ...METHOD_ARN_FLAGS, stage: { default: 'test', help: 'the stage' } },
  build(v, ctx) {
    const request = { ...v, body: '', base64: 'false', path: v.resource, resource: slash(v.resource), querystringparameters: '{"QueryString1": "queryValue1"}', 'dns-suffix': `${v.region}.amazonaws.com` };
    const proxy = restRequest(request, ctx, v.restApiId);
    const headers = { Authorization: v.token, ...(proxy.headers as Record<string, string>) };
    return {
      type: 'REQUEST', methodArn: methodArn(v, v.restApiId, v.resource), resource: proxy.resource, path: proxy.path, httpMethod: v.method,
      headers, multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, x]) => [k, [x]])),
      queryStringParameters: proxy.queryStringParameters, multiValueQueryStringParameters: proxy.multiValueQueryStringParameters,
      pathParameters: {}, stageVariables: {}, requestContext: proxy.requestContext,
    };
  },
};

const httpApiAuthorizer: SampleEvent = {
  help: 'an API Gateway HTTP API Lambda authorizer event (payload format 2.0)',
  flags: {
    'account-id': ACCOUNT_ID, partition: PARTITION, region: REGION, stage: { default: '$default', help: 'the stage' },
    method: { default: 'GET', help: 'the HTTP method' }, path: PATH, 'api-id': { default: 'a1b2c3d4e5', help: 'the HTTP API\'s id' }, token: TOKEN,
  },
  build(v, ctx) {
    const request = v2Request({ ...v, querystringparameters: '' }, ctx, v['api-id'], [['authorization', v.token]]);
    const { version, ...rest } = request;
    return {
      version, type: 'REQUEST', routeArn: methodArn(v, v['api-id'], v.path), identitySource: [v.token], ...rest,
    };
  },
};

export const APIGATEWAY_EVENTS: Readonly<Record<string, SampleEvent>> = {
  'aws-proxy': awsProxy,
  'http-api-proxy': httpApiProxy,
  authorizer,
  'request-authorizer': requestAuthorizer,
  'http-api-authorizer': httpApiAuthorizer,
};
