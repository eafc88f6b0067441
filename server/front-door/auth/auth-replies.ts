// What API Gateway answers when authorization fails, per API kind (see docs/http-apis.md).
import type { GatewayReply } from '../gateway-reply.ts';

export type AuthFailure = 'unauthorized' | 'explicit-deny' | 'no-allow' | 'authorizer-error' | 'iam-unsigned' | 'jwt-invalid' | 'jwt-scope';

const reply = (status: number, body: string, headers: Array<[string, string]> = []): GatewayReply => ({
  status, headers: [['Content-Type', 'application/json'], ...headers], body: Buffer.from(body),
});

export function authFailureReply(kind: 'REST' | 'HTTP', failure: AuthFailure, detail = ''): GatewayReply {
  if (kind === 'REST') {
    switch (failure) {
      case 'unauthorized':
      case 'jwt-invalid': return reply(401, '{"message":"Unauthorized"}', [['x-amzn-ErrorType', 'UnauthorizedException']]);
      case 'explicit-deny': return reply(403, '{"Message":"User is not authorized to access this resource with an explicit deny"}', [['x-amzn-ErrorType', 'AccessDeniedException']]);
      case 'no-allow':
      case 'jwt-scope': return reply(403, '{"Message":"User is not authorized to access this resource"}', [['x-amzn-ErrorType', 'AccessDeniedException']]);
      case 'iam-unsigned': return reply(403, '{"message":"Missing Authentication Token"}', [['x-amzn-ErrorType', 'MissingAuthenticationTokenException']]);
      case 'authorizer-error': return reply(500, '{"message": null}', [['x-amzn-ErrorType', 'AuthorizerConfigurationException']]);
    }
  }
  switch (failure) {
    case 'unauthorized': return reply(401, '{"message":"Unauthorized"}');
    case 'jwt-invalid': return reply(401, '{"message":"Unauthorized"}', [['www-authenticate', `Bearer error="invalid_token" error_description="${detail.replaceAll('"', "'")}"`]]);
    case 'jwt-scope': return reply(403, '{"message":"Forbidden"}', [['www-authenticate', 'Bearer error="insufficient_scope"']]);
    case 'explicit-deny':
    case 'no-allow':
    case 'iam-unsigned': return reply(403, '{"message":"Forbidden"}');
    case 'authorizer-error': return reply(500, '{"message":"Internal Server Error"}');
  }
}
