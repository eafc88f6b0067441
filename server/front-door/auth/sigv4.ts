// AWS_IAM authorization locally: a request must carry a Signature Version 4 signature (Authorization
// header or presigned query) for the right service; the signature itself is not verified (there are no
// real secrets locally), which docs/http-apis.md states. The caller identity comes from the access key.
import { headerValue, queryPairs, type RequestView } from '../request-view.ts';

export interface SigV4Caller {
  accessKey: string;
  region: string;
  service: string;
}

const HEADER = /^AWS4-HMAC-SHA256\s+Credential=([^/\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=[^,\s]+,\s*Signature=[0-9a-f]{64}$/i;

export function sigV4Caller(view: RequestView): SigV4Caller | undefined {
  const auth = headerValue(view, 'authorization');
  const m = auth ? HEADER.exec(auth.trim()) : null;
  if (m) return { accessKey: m[1], region: m[3], service: m[4] };
  const q = Object.fromEntries(queryPairs(view.rawQuery));
  if (q['X-Amz-Algorithm'] === 'AWS4-HMAC-SHA256' && q['X-Amz-Credential'] && /^[0-9a-f]{64}$/i.test(q['X-Amz-Signature'] ?? '')) {
    const [accessKey, , region, service] = q['X-Amz-Credential'].split('/');
    if (accessKey && region && service) return { accessKey, region, service };
  }
  return undefined;
}

/** `requestContext.authorizer.iam` (HTTP API 2.0, function URLs) for a signed caller. */
export function iamAuthorizer(caller: SigV4Caller, accountId: string): Record<string, unknown> {
  return {
    iam: {
      accessKey: caller.accessKey, accountId, callerId: caller.accessKey, cognitoIdentity: null, principalOrgId: null,
      userArn: `arn:aws:iam::${accountId}:user/${caller.accessKey}`, userId: caller.accessKey,
    },
  };
}

/** REST `requestContext.identity` fields for a signed caller. */
export function iamIdentity(caller: SigV4Caller, accountId: string): Record<string, unknown> {
  return {
    accessKey: caller.accessKey, accountId, caller: caller.accessKey, user: caller.accessKey,
    userArn: `arn:aws:iam::${accountId}:user/${caller.accessKey}`,
  };
}
