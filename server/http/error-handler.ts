// Rendering of Invoke/management API errors (design §7, vocabulary 1) in one place: status,
// x-amzn-ErrorType, x-amzn-RequestId and AWS's JSON body. fastify's own errors are mapped here too.
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import {
  InvalidRequestContentException, LambdaApiError, RequestEntityTooLargeException, ServiceException,
  UnsupportedMediaTypeException,
} from '../errors.ts';
import type { WireAnswer } from '../../services/wire/wire-contract.ts';

export const INVOKE_LIMIT_BYTES = 6 * 1024 * 1024;

export function renderApiError(err: LambdaApiError): WireAnswer {
  const body: Record<string, unknown> = { ...(err.faultType ? { Type: err.faultType } : {}), [err.messageKey]: err.message, ...err.extra };
  return {
    status: err.statusCode,
    headers: { 'Content-Type': 'application/json', 'x-amzn-ErrorType': err.wireType, 'x-amzn-RequestId': randomUUID(), ...err.headers },
    body: JSON.stringify(body),
  };
}

export function sendAnswer(reply: FastifyReply, answer: WireAnswer): FastifyReply {
  return reply.code(answer.status).headers(answer.headers).send(answer.body);
}

export const sendApiError = (reply: FastifyReply, err: LambdaApiError): FastifyReply => sendAnswer(reply, renderApiError(err));

export const tooLarge = (): RequestEntityTooLargeException =>
  new RequestEntityTooLargeException(`Request must be smaller than ${INVOKE_LIMIT_BYTES} bytes for the InvokeFunction operation`);

/** Map anything thrown in a route to a Lambda-shaped error. */
export function toApiError(err: FastifyError | Error): LambdaApiError {
  if (err instanceof LambdaApiError) return err;
  const code = (err as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge();
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new UnsupportedMediaTypeException(err.message);
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new InvalidRequestContentException(err.message);
  }
  return new ServiceException('An internal error occurred in the emulator. See its log for details.');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const apiError = toApiError(err);
    if (apiError instanceof ServiceException && !(err instanceof LambdaApiError)) {
      request.log.error({ err }, 'unexpected error while handling a request');
    }
    return sendApiError(reply, apiError);
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .headers({ 'x-amzn-ErrorType': 'UnknownOperationException', 'x-amzn-RequestId': randomUUID() })
      .type('application/json')
      .send(JSON.stringify({ Type: 'User', message: `Unknown operation ${request.method} ${request.url.split('?')[0]}` }));
  });
}
