// One request to a function URL: AuthType (NONE, or AWS_IAM needing a SigV4 signature), CORS from the
// URL's configuration (preflights answered without invoking; its headers win over the function's), the
// payload 2.0 event with the function URL's differences, the invoke, and the 2.0 response mapping (or, for
// InvokeMode RESPONSE_STREAM, the function's stream as it comes).
import type { Logger } from 'pino';
import { iamAuthorizer, sigV4Caller } from './auth/sigv4.ts';
import { isPreflight, preflightReply, withCorsHeaders } from './cors.ts';
import { newTraceId } from './gateway-ids.ts';
import { failureReply, urlForbidden } from './gateway-reply.ts';
import { buildV2Event } from './http-event.ts';
import type { FunctionUrlRecord } from './function-url-store.ts';
import type { InvokeBridge } from './invoke-bridge.ts';
import { mapV2Response } from './response-mapping.ts';
import { urlStreamReply } from './streaming/url-stream-reply.ts';
import { headerValue, type RequestView } from './request-view.ts';
import type { RequestOutcome } from './api-request.ts';
import { randomUUID } from 'node:crypto';

export interface UrlRequestDeps {
  bridge: InvokeBridge;
  accountId: string;
  logger: Logger;
}

export async function handleUrlRequest(deps: UrlRequestDeps, url: FunctionUrlRecord, view: RequestView, domainName: string, port: string): Promise<RequestOutcome> {
  const cors = url.cors;
  const finish = (o: RequestOutcome): RequestOutcome => (cors ? { ...o, reply: withCorsHeaders(cors, view, o.reply) } : o);
  if (cors && isPreflight(view)) return { reply: preflightReply(cors, view, 200), detail: 'CORS preflight' };
  let authorizer: Record<string, unknown> | undefined;
  if (url.authType === 'AWS_IAM') {
    const caller = sigV4Caller(view);
    if (!caller || caller.service !== 'lambda') return finish({ reply: urlForbidden(), detail: 'AuthType AWS_IAM: the request is not signed with SigV4 for lambda' });
    authorizer = iamAuthorizer(caller, deps.accountId);
  }
  const traceId = headerValue(view, 'x-amzn-trace-id') ?? newTraceId(view.receivedAt);
  const requestId = randomUUID();
  const event = buildV2Event(view, {
    accountId: url.authType === 'NONE' ? 'anonymous' : deps.accountId, apiId: url.urlId, routeKey: '$default', stage: '$default',
    stageVariables: {}, rawPath: view.rawPath, pathParameters: {}, requestId, domainName, traceId, port, authorizer,
  });
  const streaming = url.invokeMode === 'RESPONSE_STREAM';
  const outcome = await deps.bridge.invoke({ name: url.functionName, qualifier: url.qualifier }, event, { traceId, requestId, stream: streaming });
  const ids: Array<[string, string]> = [['x-amzn-RequestId', requestId], ['X-Amzn-Trace-Id', traceId]];
  if (outcome.kind === 'failure') {
    deps.logger.warn(`function URL ${url.functionName} ${view.method} ${view.rawPath}: ${outcome.detail}`);
    const reply = failureReply('URL', outcome.failure);
    reply.headers.push(...ids);
    return finish({ reply, invocationId: outcome.requestId, detail: outcome.detail });
  }
  if (outcome.functionError) {
    const reply = failureReply('URL', 'function-error');
    reply.headers.push(...ids);
    return finish({ reply, invocationId: outcome.requestId, detail: `function error (${outcome.errorType ?? 'Unhandled'})` });
  }
  if (outcome.stream) {
    const streamed = await urlStreamReply(outcome.stream);
    if (!streamed.ok) {
      deps.logger.warn(`function URL ${url.functionName}: streamed response failed (${streamed.reason})`);
      const reply = failureReply('URL', 'function-error');
      reply.headers.push(...ids);
      return finish({ reply, invocationId: outcome.requestId, detail: streamed.reason });
    }
    streamed.reply.headers.push(...ids);
    return finish({ reply: streamed.reply, invocationId: outcome.requestId });
  }
  // RESPONSE_STREAM with a handler that does not stream: the raw result is the body, uninterpreted (as on AWS).
  if (streaming) {
    return finish({ reply: { status: 200, headers: [['content-type', 'application/octet-stream'], ...ids], body: outcome.payload }, invocationId: outcome.requestId });
  }
  const mapped = mapV2Response(outcome.payload);
  if (!mapped.ok) {
    deps.logger.warn(`function URL ${url.functionName}: malformed response (${mapped.reason})`);
    const reply = failureReply('URL', 'function-error');
    reply.headers.push(...ids);
    return finish({ reply, invocationId: outcome.requestId, detail: `malformed response: ${mapped.reason}` });
  }
  mapped.reply.headers.push(...ids);
  return finish({ reply: mapped.reply, invocationId: outcome.requestId });
}
