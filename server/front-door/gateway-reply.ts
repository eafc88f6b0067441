// What the front door sends back, framework-free, and the exact answers AWS gives when it, not the
// function, answers: missing routes, function errors, throttles, timeouts, oversized requests, per front door.

export interface GatewayReply {
  status: number;
  /** Header pairs in order (a name may repeat, e.g. set-cookie). */
  headers: Array<[string, string]>;
  body: Buffer;
  /** A streamed body (RESPONSE_STREAM function URLs), sent chunked after `body`; throws if it failed midway. */
  stream?: AsyncIterable<Buffer>;
}

export type Door = 'REST' | 'HTTP' | 'URL';

export type Failure =
  /** No route (REST: also no method on the resource). */
  | 'no-route'
  /** The function failed or returned a malformed response. */
  | 'function-error'
  /** Lambda refused the invoke: throttled. */
  | 'throttled'
  /** Lambda refused the invoke: the event is over 6 MB. */
  | 'event-too-large'
  /** API Gateway's integration timeout passed first. */
  | 'integration-timeout'
  /** The request is over the front door's own limit. */
  | 'request-too-large'
  /** An authorizer or the route is misconfigured (an unknown function...). */
  | 'configuration-error';

const json = (status: number, body: string, headers: Array<[string, string]> = []): GatewayReply => ({
  status, headers: [['Content-Type', 'application/json'], ...headers], body: Buffer.from(body),
});

const errorType = (type: string): [string, string] => ['x-amzn-ErrorType', type];

/** AWS's answer when the gateway itself answers (see docs/http-apis.md for the sources and decisions). */
export function failureReply(door: Door, failure: Failure): GatewayReply {
  if (door === 'REST') {
    switch (failure) {
      case 'no-route': return json(403, '{"message":"Missing Authentication Token"}', [errorType('MissingAuthenticationTokenException')]);
      case 'function-error': return json(502, '{"message": "Internal server error"}', [errorType('InternalServerErrorException')]);
      case 'throttled':
      case 'event-too-large':
      case 'configuration-error': return json(500, '{"message": "Internal server error"}', [errorType('InternalServerErrorException')]);
      case 'integration-timeout': return json(504, '{"message": "Endpoint request timed out"}', [errorType('InternalServerErrorException')]);
      case 'request-too-large': return json(413, '{"message":"Request Too Long"}', [errorType('RequestTooLargeException')]);
    }
  }
  if (door === 'HTTP') {
    switch (failure) {
      case 'no-route': return json(404, '{"message":"Not Found"}');
      case 'function-error':
      case 'throttled':
      case 'event-too-large':
      case 'configuration-error': return json(500, '{"message":"Internal Server Error"}');
      case 'integration-timeout': return json(503, '{"message":"Service Unavailable"}');
      case 'request-too-large': return json(413, '{"message":"Request Entity Too Large"}');
    }
  }
  switch (failure) {
    case 'throttled': return json(429, '{"Message":"Rate Exceeded."}', [errorType('TooManyRequestsException')]);
    case 'event-too-large':
    case 'request-too-large':
      return json(413, '{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}', [errorType('RequestEntityTooLargeException')]);
    case 'no-route': return json(403, '{"Message":null}', [errorType('AccessDeniedException')]);
    default: return { status: 502, headers: [['Content-Type', 'text/plain; charset=utf-8']], body: Buffer.from('Internal Server Error') };
  }
}

/** Function URL `AWS_IAM` without a valid signature, or a URL whose config is gone. */
export function urlForbidden(): GatewayReply {
  return json(403, '{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}',
    [errorType('AccessDeniedException')]);
}
