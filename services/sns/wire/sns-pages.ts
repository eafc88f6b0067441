// SNS's list pagination: 100 entries a page, NextToken an opaque token for the next entry's position.
import { invalidParameter } from '../sns-error.ts';

export const PAGE_SIZE = 100;

export function listPage<T>(all: readonly T[], token: string | undefined, size = PAGE_SIZE): { page: T[]; next?: string } {
  let start = 0;
  if (token !== undefined && token !== '') {
    const text = Buffer.from(token, 'base64url').toString('latin1');
    start = /^\d{1,9}$/.test(text) ? Number(text) : 0;
    if (start <= 0) throw invalidParameter('Invalid parameter: NextToken');
  }
  const page = all.slice(start, start + size);
  const end = start + page.length;
  return end < all.length ? { page, next: Buffer.from(String(end), 'latin1').toString('base64url') } : { page };
}
