// Where topics and subscriptions are kept between runs: nowhere (in memory), or with --data-dir one
// JSON file, <dataDir>/sns/topics.json, replaced whole (written aside, fsynced, renamed) on every change.
// Messages are not kept: SNS hands them on at once, and deliveries waiting for a retry end with the run.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface SnsSnapshot {
  topics: { name: string; attributes: Record<string, string>; tags: Record<string, string>; deleted: number }[];
  subscriptions: { arn: string; topicArn: string; protocol: string; endpoint: string; attributes: Record<string, string> }[];
}

export interface SnsStore {
  load(): SnsSnapshot | undefined;
  save(snapshot: SnsSnapshot): void;
}

export const NO_STORE: SnsStore = { load: () => undefined, save: () => {} };

export class FileSnsStore implements SnsStore {
  private readonly dir: string;
  private readonly file: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sns');
    this.file = join(this.dir, 'topics.json');
    mkdirSync(this.dir, { recursive: true });
  }

  load(): SnsSnapshot | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<SnsSnapshot>;
    if (!Array.isArray(parsed.topics) || !Array.isArray(parsed.subscriptions)) throw new Error(`${this.file} is not an ephemera SNS state file`);
    return parsed as SnsSnapshot;
  }

  save(snapshot: SnsSnapshot): void {
    const aside = `${this.file}.tmp`;
    const fd = openSync(aside, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(snapshot));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, this.file);
  }
}
