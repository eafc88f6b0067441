// SQS checksums exactly as AWS computes them: MD5 of the UTF-8 body, and the MD5 of (system) message
// attributes: sorted by name, each as length-prefixed name, length-prefixed data type, a transport byte
// (1 String/Number, 2 Binary) and the length-prefixed value.
import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './queue.ts';

export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** The MD5 of message attributes (or message system attributes); undefined when there are none. */
export function md5OfAttributes(attrs: Record<string, MessageAttributeValue> | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const a = attrs[name];
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(a.DataType, 'utf8')));
    if (a.BinaryValue !== undefined && a.StringValue === undefined) {
      hash.update(Buffer.from([2]));
      hash.update(lengthPrefixed(a.BinaryValue));
    } else {
      hash.update(Buffer.from([1]));
      hash.update(lengthPrefixed(Buffer.from(a.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}
