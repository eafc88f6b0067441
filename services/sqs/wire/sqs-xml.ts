// The SQS query protocol's XML: a JSON-shaped action result written as AWS writes it (repeated
// elements for lists, Name/Value pairs for maps, `"` as &quot;), and the <ErrorResponse> document.
import type { SqsError } from '../sqs-error.ts';

export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** Actions whose response has no <Result> element. */
const VOID = new Set(['DeleteQueue', 'SetQueueAttributes', 'DeleteMessage', 'ChangeMessageVisibility', 'PurgeQueue', 'TagQueue', 'UntagQueue']);

export function escapeXml(text: string): string {
  return text.replace(/[&<>"\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#xD;' })[c]!);
}

function element(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** A map written as repeated <wrapper><Name>k</Name><Value>v</Value></wrapper> elements. */
function pairs(wrapper: string, keyName: string, map: Record<string, unknown>, action: string): string {
  return Object.entries(map).map(([k, v]) => element(wrapper, element(keyName, escapeXml(k)) + write('Value', v, action))).join('');
}

function write(key: string, value: unknown, action: string): string {
  if (value === undefined || value === null) return '';
  switch (key) {
    case 'Attributes': return pairs('Attribute', 'Name', value as Record<string, unknown>, action);
    case 'MessageAttributes': return pairs('MessageAttribute', 'Name', value as Record<string, unknown>, action);
    case 'Tags': return pairs('Tag', 'Key', value as Record<string, unknown>, action);
  }
  if (Array.isArray(value)) {
    const name = key === 'QueueUrls' || key === 'queueUrls' ? 'QueueUrl'
      : key === 'Messages' ? 'Message'
        : key === 'Successful' ? `${action}ResultEntry`
          : key === 'Failed' ? 'BatchResultErrorEntry' : key;
    return value.map((v) => write(name, v, action)).join('');
  }
  if (typeof value === 'object' && !Buffer.isBuffer(value)) {
    return element(key, Object.entries(value as Record<string, unknown>).map(([k, v]) => write(k, v, action)).join(''));
  }
  return element(key, escapeXml(String(value)));
}

export function renderResult(action: string, result: Record<string, unknown>, requestId: string): string {
  const body = VOID.has(action) ? '' : element(`${action}Result`, Object.entries(result).map(([k, v]) => write(k, v, action)).join(''));
  return `<?xml version="1.0"?><${action}Response xmlns="${SQS_XMLNS}">${body}`
    + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function renderError(err: SqsError, requestId: string): string {
  return `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XMLNS}"><Error><Type>${err.fault}</Type>`
    + `<Code>${escapeXml(err.queryCode)}</Code><Message>${escapeXml(err.queryMessage)}</Message><Detail/></Error>`
    + `<RequestId>${requestId}</RequestId></ErrorResponse>`;
}
