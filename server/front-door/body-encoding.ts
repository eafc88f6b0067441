// Whether a request body reaches the function as text or base64, by the rules of each front door:
// REST APIs by binaryMediaTypes; HTTP APIs and function URLs by a fixed list of text types.

/** REST: `Content-Type` matching a binary media type (exact, `type/*`, `*\/*`) ⇒ base64. */
export function restIsBinary(contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0) return false;
  return mediaTypeMatches(contentType ?? '', binaryMediaTypes);
}

/** Whether a media type (parameters ignored) matches one of `patterns` (`image/png`, `image/*`, `*\/*`). */
export function mediaTypeMatches(value: string, patterns: readonly string[]): boolean {
  const type = value.split(';')[0].trim().toLowerCase();
  if (type === '' && !patterns.includes('*/*')) return false;
  const [major] = type.split('/');
  return patterns.some((p) => {
    const pat = p.trim().toLowerCase();
    return pat === '*/*' || pat === type || (pat.endsWith('/*') && pat.slice(0, -2) === major);
  });
}

const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/javascript']);

/**
 * HTTP APIs and function URLs: text only for `text/*`, `application/json`, `application/xml` and
 * `application/javascript`; anything else (no Content-Type, forms, multipart) arrives base64.
 */
export function httpIsBinary(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return !(type.startsWith('text/') || TEXT_TYPES.has(type));
}

/** REST: a response with isBase64Encoded is decoded only if the request's first Accept type is binary. */
export function restDecodesResponse(accept: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.length === 0 || accept === undefined) return false;
  const first = accept.split(',')[0];
  return mediaTypeMatches(first, binaryMediaTypes);
}
