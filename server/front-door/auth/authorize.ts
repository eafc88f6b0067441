// Authorization of one API request before its integration runs: Lambda authorizers (REST TOKEN and
// REQUEST; HTTP API REQUEST 1.0/2.0 with IAM-policy or simple answers) with result caching, JWT
// authorizers and AWS_IAM. Yields the `requestContext.authorizer` (or identity) for the event, or the reply.
import type { Logger } from 'pino';
import type { ApiDefinition, AuthorizerDefinition, RouteDefinition } from '../../template/api-model.ts';
import type { Clock } from '../../../lib/clock.ts';
import type { GatewayReply } from '../gateway-reply.ts';
import type { InvokeBridge } from '../invoke-bridge.ts';
import { headerValue, type RequestView } from '../request-view.ts';
import { type AuthFailure, authFailureReply } from './auth-replies.ts';
import { AuthorizerCache } from './authorizer-cache.ts';
import { identityValues, type IdentityScope } from './identity-sources.ts';
import { checkJwt } from './jwt.ts';
import { evaluatePolicy } from './policy.ts';
import { iamAuthorizer, iamIdentity, sigV4Caller } from './sigv4.ts';

export type Authorization =
  | { ok: true; authorizer?: Record<string, unknown>; identity?: Record<string, unknown> }
  | { ok: false; reply: GatewayReply; detail: string };

export interface AuthorizeRequest {
  api: ApiDefinition;
  route: RouteDefinition;
  view: RequestView;
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`. */
  methodArn: string;
  scope: IdentityScope;
  /** The integration's event for this request (no authorizer yet): REQUEST authorizers get its fields. */
  requestEvent: () => Record<string, unknown>;
  traceId: string;
}

/** A Lambda authorizer's answer, as cached. */
type LambdaAnswer = { kind: 'result'; value: Record<string, unknown> } | { kind: 'unauthorized' };

export class Authorizer {
  private readonly cache: AuthorizerCache<LambdaAnswer>;
  private readonly bridge: InvokeBridge;
  private readonly clock: Clock;
  private readonly accountId: string;
  private readonly logger: Logger;

  constructor(deps: { bridge: InvokeBridge; clock: Clock; accountId: string; logger: Logger }) {
    this.bridge = deps.bridge;
    this.clock = deps.clock;
    this.accountId = deps.accountId;
    this.logger = deps.logger;
    this.cache = new AuthorizerCache(deps.clock);
  }

  /** Forget cached results (a template reload). */
  reset(): void {
    this.cache.clear();
  }

  async authorize(req: AuthorizeRequest): Promise<Authorization> {
    const { api, route } = req;
    const kind = api.kind;
    const fail = (failure: AuthFailure, detail: string): Authorization => ({ ok: false, reply: authFailureReply(kind, failure, detail), detail });
    if (!route.authorizer) return { ok: true };
    if (route.authorizer === 'AWS_IAM') {
      const caller = sigV4Caller(req.view);
      if (!caller || caller.service !== 'execute-api') return fail('iam-unsigned', 'AWS_IAM route: the request is not signed with SigV4 for execute-api');
      if (kind === 'REST') return { ok: true, identity: iamIdentity(caller, this.accountId) };
      return { ok: true, authorizer: route.payloadFormat === '2.0' ? iamAuthorizer(caller, this.accountId) : iamIdentityAuthorizer(caller.accessKey), identity: iamIdentity(caller, this.accountId) };
    }
    const def = api.authorizers[route.authorizer];
    if (!def) return fail('authorizer-error', `authorizer ${route.authorizer} is not defined`);
    const identity = identityValues(def.identitySources, req.view, req.scope);
    if (def.type === 'JWT' || def.type === 'COGNITO_USER_POOLS') {
      const token = identity?.[0] ?? headerValue(req.view, 'authorization');
      if (!token) return fail('unauthorized', 'no token in the identity source');
      const jwt = checkJwt(token, { issuer: def.issuer, audience: def.audience, scopes: route.authorizationScopes }, this.clock.now());
      if (!jwt.ok) return fail(jwt.status === 403 ? 'jwt-scope' : 'jwt-invalid', jwt.error);
      if (kind === 'REST') return { ok: true, authorizer: { claims: jwt.claims } };
      return { ok: true, authorizer: route.payloadFormat === '2.0' ? { jwt: { claims: jwt.claims, scopes: jwt.scopes } } : { claims: jwt.claims, scopes: jwt.scopes } };
    }
    // Lambda authorizers: a missing identity source is 401 without an invoke (REQUEST without sources: no check).
    if (identity === undefined && def.identitySources.length > 0) return fail('unauthorized', `identity source missing: ${def.identitySources.join(', ')}`);
    if (def.type === 'TOKEN' && def.validationExpression && !new RegExp(`^(?:${def.validationExpression})$`).test(identity![0])) {
      return fail('unauthorized', 'the token does not match the identityValidationExpression');
    }
    const cacheable = def.ttlSeconds > 0 && def.identitySources.length > 0;
    const key = AuthorizerCache.key(def.name, identity ?? []);
    let answer = cacheable ? this.cache.get(key) : undefined;
    if (!answer) {
      const invoked = await this.invokeAuthorizer(def, req, identity ?? []);
      if ('failure' in invoked) return fail('authorizer-error', invoked.failure);
      answer = invoked.answer;
      if (cacheable) this.cache.set(key, answer, def.ttlSeconds);
    }
    if (answer.kind === 'unauthorized') return fail('unauthorized', 'the authorizer answered Unauthorized');
    return this.decide(def, req, answer.value, fail);
  }

  private decide(def: AuthorizerDefinition, req: AuthorizeRequest, value: Record<string, unknown>, fail: (f: AuthFailure, d: string) => Authorization): Authorization {
    const context = typeof value.context === 'object' && value.context !== null && !Array.isArray(value.context) ? (value.context as Record<string, unknown>) : {};
    if (def.simpleResponses) {
      if (typeof value.isAuthorized !== 'boolean') return fail('authorizer-error', 'a simple response needs a boolean isAuthorized');
      if (!value.isAuthorized) return fail('no-allow', 'isAuthorized is false');
      return { ok: true, authorizer: { lambda: context } };
    }
    const decision = evaluatePolicy(value.policyDocument, req.methodArn);
    if (decision === undefined || (req.api.kind === 'REST' && typeof value.principalId !== 'string')) {
      return fail('authorizer-error', 'the authorizer returned no valid principalId and policyDocument');
    }
    if (decision === 'deny') return fail('explicit-deny', `the policy denies ${req.methodArn}`);
    if (decision === 'no-allow') return fail('no-allow', `the policy allows nothing matching ${req.methodArn}`);
    if (req.api.kind === 'REST') return { ok: true, authorizer: { ...context, principalId: value.principalId, integrationLatency: 0 } };
    const lambda = { ...context, ...(value.principalId === undefined ? {} : { principalId: value.principalId }) };
    return { ok: true, authorizer: req.route.payloadFormat === '2.0' ? { lambda } : lambda };
  }

  private async invokeAuthorizer(def: AuthorizerDefinition, req: AuthorizeRequest, identity: string[]): Promise<{ answer: LambdaAnswer } | { failure: string }> {
    if (!def.target) return { failure: `authorizer ${def.name} has no function` };
    const event = authorizerEvent(def, req, identity);
    // Lambda authorizers have 10 s at most on API Gateway.
    const outcome = await this.bridge.invoke(def.target, event, { traceId: req.traceId, timeoutMs: 10_000 });
    if (outcome.kind === 'failure') return { failure: `authorizer ${def.name}: ${outcome.detail}` };
    let value: unknown;
    try {
      value = JSON.parse(outcome.payload.toString('utf8'));
    } catch {
      return { failure: `authorizer ${def.name} returned something that is not JSON` };
    }
    if (outcome.functionError) {
      const message = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).errorMessage : undefined;
      if (message === 'Unauthorized') return { answer: { kind: 'unauthorized' } };
      this.logger.warn(`authorizer ${def.name} failed: ${String(message ?? outcome.errorType)}`);
      return { failure: `authorizer ${def.name} failed (${String(message ?? outcome.errorType)})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { failure: `authorizer ${def.name} returned no object` };
    return { answer: { kind: 'result', value: value as Record<string, unknown> } };
  }
}

function iamIdentityAuthorizer(accessKey: string): Record<string, unknown> {
  return { iam: { accessKey } };
}

/** The event a Lambda authorizer receives (REST TOKEN / REQUEST, HTTP API 1.0 / 2.0). */
export function authorizerEvent(def: AuthorizerDefinition, req: AuthorizeRequest, identity: string[]): Record<string, unknown> {
  if (def.type === 'TOKEN') return { type: 'TOKEN', authorizationToken: identity[0], methodArn: req.methodArn };
  const base = { ...req.requestEvent() };
  delete base.body;
  delete base.isBase64Encoded;
  if (req.api.kind === 'REST') return { type: 'REQUEST', methodArn: req.methodArn, ...base };
  if (def.payloadFormat === '1.0') {
    return { version: '1.0', type: 'REQUEST', methodArn: req.methodArn, identitySource: identity.join(','), authorizationToken: identity.join(','), ...withoutVersion(base) };
  }
  return { version: '2.0', type: 'REQUEST', routeArn: req.methodArn, identitySource: identity, ...withoutVersion(base) };
}

function withoutVersion(e: Record<string, unknown>): Record<string, unknown> {
  const { version: _v, ...rest } = e;
  return rest;
}
