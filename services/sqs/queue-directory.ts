// The QueueDirectory destinations and pollers use: the embedded queues first, then the external endpoint
// (`--sqs-endpoint`) for any other queue ARN.
import type { Queue, QueueDirectory } from './queue.ts';

export class CompositeQueueDirectory implements QueueDirectory {
  private readonly sources: readonly QueueDirectory[];

  /** Asked in order; the first that knows the ARN answers. */
  constructor(sources: readonly (QueueDirectory | undefined)[]) {
    this.sources = sources.filter((s): s is QueueDirectory => s !== undefined);
  }

  byArn(arn: string): Queue | undefined {
    for (const source of this.sources) {
      const q = source.byArn(arn);
      if (q) return q;
    }
    return undefined;
  }
}
