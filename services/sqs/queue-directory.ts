// The QueueDirectory pollers and destinations use: the sources in order (embedded queues first),
// then the external endpoint (`--sqs-endpoint`) for any other queue ARN.
import type { Queue, QueueDirectory } from './queue.ts';

export class CompositeQueueDirectory implements QueueDirectory {
  /** Sources in lookup order; the composition root appends to it (the embedded queues). */
  readonly sources: QueueDirectory[];
  /** Asked last, whatever was appended to `sources` after it was set. */
  external: QueueDirectory | undefined;

  constructor(sources: QueueDirectory[] = [], external?: QueueDirectory) {
    this.sources = sources;
    this.external = external;
  }

  byArn(arn: string): Queue | undefined {
    for (const source of this.sources) {
      const q = source.byArn(arn);
      if (q) return q;
    }
    return this.external?.byArn(arn);
  }
}
