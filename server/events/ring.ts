// A bounded ring of the most recent items (newest last): what the web view's histories keep, so the
// emulator's memory does not grow with the number of invocations or requests.

export class Ring<T> {
  private readonly items: Array<T | undefined>;
  private next = 0;
  private count = 0;

  constructor(capacity: number) {
    this.items = new Array<T | undefined>(Math.max(1, capacity));
  }

  get capacity(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.items.length;
    if (this.count < this.items.length) this.count++;
  }

  /** Newest first, at most `limit`, those `keep` accepts. */
  newest(limit = this.items.length, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const item = this.items[(this.next - i + this.items.length) % this.items.length]!;
      if (keep(item)) out.push(item);
    }
    return out;
  }
}
