// IAM policy evaluation for Lambda authorizer results (pure): an explicit Deny covering the method
// wins, then any Allow covering it; `*` and `?` wildcards in Action and Resource, as IAM matches them.

export type PolicyDecision = 'allow' | 'deny' | 'no-allow';

const wildcard = (pattern: string): RegExp =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);

/** Whether `policyDocument` lets `methodArn` (or a route ARN) be invoked; undefined if it is not a policy. */
export function evaluatePolicy(policyDocument: unknown, methodArn: string): PolicyDecision | undefined {
  if (typeof policyDocument !== 'object' || policyDocument === null) return undefined;
  const statements = (policyDocument as Record<string, unknown>).Statement;
  const all = Array.isArray(statements) ? statements : statements && typeof statements === 'object' ? [statements] : undefined;
  if (!all) return undefined;
  let allowed = false;
  for (const s of all) {
    if (typeof s !== 'object' || s === null) return undefined;
    const st = s as Record<string, unknown>;
    const effect = String(st.Effect ?? '');
    if (effect !== 'Allow' && effect !== 'Deny') return undefined;
    const actionOk = list(st.Action).some((a) => wildcard(a).test('execute-api:Invoke'));
    const resourceOk = list(st.Resource).some((r) => wildcard(r).test(methodArn));
    if (!actionOk || !resourceOk) continue;
    if (effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'no-allow';
}
