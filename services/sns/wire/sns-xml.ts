// The SNS query protocol's XML: a JSON-shaped action result written as SNS writes it (lists as
// <member> elements, the Attributes map as <entry><key/><value/></entry>), and the <ErrorResponse>.
import { escapeXml } from '../../sqs/wire/sqs-xml.ts';
import type { SnsError } from '../sns-error.ts';

export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** Actions whose response has no <Result> element (botocore: no output shape). */
const VOID = new Set(['DeleteTopic', 'SetTopicAttributes', 'Unsubscribe', 'SetSubscriptionAttributes']);

const element = (name: string, inner: string): string => `<${name}>${inner}</${name}>`;

function write(key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (key === 'Attributes') {
    const entries = Object.entries(value as Record<string, unknown>);
    return element(key, entries.map(([k, v]) => element('entry', element('key', escapeXml(k)) + element('value', escapeXml(String(v))))).join(''));
  }
  if (Array.isArray(value)) return element(key, value.map((v) => write('member', v)).join(''));
  if (typeof value === 'object') return element(key, Object.entries(value as Record<string, unknown>).map(([k, v]) => write(k, v)).join(''));
  return element(key, escapeXml(String(value)));
}

export function renderResult(action: string, result: Record<string, unknown>, requestId: string): string {
  const body = VOID.has(action) ? '' : element(`${action}Result`, Object.entries(result).map(([k, v]) => write(k, v)).join(''));
  return `<?xml version="1.0"?><${action}Response xmlns="${SNS_XMLNS}">${body}`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function renderError(err: SnsError, requestId: string): string {
  return `<?xml version="1.0"?><ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${err.fault}</Type>`
    + `<Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error>`
    + `<RequestId>${requestId}</RequestId></ErrorResponse>`;
}
