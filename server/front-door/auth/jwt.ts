// JWT authorizers (HTTP APIs): the token is decoded and its claims checked against the configuration
// (issuer, audience or client_id, exp, nbf, route scopes) with an injected clock. Signatures are not
// verified locally (no JWKS fetch): documented in docs/http-apis.md.

export type JwtResult =
  | { ok: true; claims: Record<string, unknown>; scopes: string[] | null }
  | { ok: false; status: 401 | 403; error: string };

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function checkJwt(
  header: string,
  config: { issuer?: string; audience?: string[]; scopes?: string[] },
  nowMs: number,
): JwtResult {
  const token = header.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  const claims = parts.length === 3 ? decodePart(parts[1]) : undefined;
  if (!claims || !decodePart(parts[0])) return { ok: false, status: 401, error: 'invalid_token: the token is not a JWT' };
  const now = nowMs / 1000;
  if (config.issuer && claims.iss !== config.issuer) return { ok: false, status: 401, error: `invalid_token: issuer ${JSON.stringify(claims.iss)} is not ${config.issuer}` };
  const aud = Array.isArray(claims.aud) ? claims.aud.map(String) : claims.aud === undefined ? [] : [String(claims.aud)];
  if (claims.client_id !== undefined) aud.push(String(claims.client_id));
  if (config.audience?.length && !aud.some((a) => config.audience!.includes(a))) return { ok: false, status: 401, error: 'invalid_token: audience not allowed' };
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, status: 401, error: 'invalid_token: the token has expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now) return { ok: false, status: 401, error: 'invalid_token: the token is not valid yet' };
  if (typeof claims.iat === 'number' && claims.iat > now + 300) return { ok: false, status: 401, error: 'invalid_token: issued in the future' };
  const scopeText = typeof claims.scope === 'string' ? claims.scope : typeof claims.scp === 'string' ? claims.scp : Array.isArray(claims.scp) ? claims.scp.join(' ') : '';
  const scopes = scopeText ? scopeText.split(' ').filter(Boolean) : null;
  if (config.scopes?.length && !config.scopes.some((s) => scopes?.includes(s))) return { ok: false, status: 403, error: 'insufficient_scope' };
  // API Gateway passes claims as strings; array claims arrive as "[a b]".
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(claims)) shown[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  return { ok: true, claims: shown, scopes };
}
