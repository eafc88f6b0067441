// Lambda authorizer results cached for their TTL, keyed by authorizer and identity-source values
// (REST TOKEN: the token). A cached result is re-evaluated for each method, as AWS does. Clock injected.
import type { Clock } from '../../../lib/clock.ts';

export class AuthorizerCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  private readonly clock: Clock;
  private readonly maxEntries: number;

  constructor(clock: Clock, maxEntries = 10_000) {
    this.clock = clock;
    this.maxEntries = maxEntries;
  }

  static key(authorizer: string, identity: readonly string[]): string {
    return `${authorizer}\u0000${identity.join('\u0000')}`;
  }

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, value: T, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, expires: this.clock.now() + ttlSeconds * 1000 });
  }

  clear(): void {
    this.entries.clear();
  }
}
