// The code folders ephemera manages (under <tmpdir>/ephemera-<owner>-code-<id>/functions/<name>/<sha>,
// removed on close, or by a later start-up's sweep: see temp-dirs.ts): ZipFile uploads unpacked there, and
// copies of local folders taken when a version is published, so later edits to $LATEST never reach it.
// Also CodeSha256/CodeSize of a folder's content.
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InvalidParameterValueException } from '../errors.ts';
import { BadZipError, unzipTo } from './unzip.ts';
import { tmpDirPrefix } from '../temp-dirs.ts';

export interface CodeFacts {
  /** Base64 SHA-256: of the zip for uploads (as AWS), of the folder's content otherwise. */
  sha256: string;
  /** Bytes: the zip's size for uploads, the files' total for folders. */
  size: number;
}

/** Lambda's limit on a function's unzipped code (with layers). */
export const UNZIPPED_LIMIT = 262_144_000;
const MAX_FILES = 50_000;

export class CodeStore {
  readonly root: string;
  private readonly cache = new Map<string, { fingerprint: string; facts: CodeFacts }>();

  constructor(root = `${tmpDirPrefix('code')}-${randomBytes(4).toString('hex')}`) {
    this.root = root;
  }

  /** Unpacks an uploaded zip (once per content) and returns its folder and facts. */
  unzip(functionName: string, zip: Buffer): { dir: string; facts: CodeFacts } {
    const digest = createHash('sha256').update(zip).digest();
    const dir = join(this.root, 'functions', functionName, digest.toString('hex'));
    const facts = { sha256: digest.toString('base64'), size: zip.length };
    if (existsSync(dir)) return { dir, facts };
    const partial = `${dir}.partial-${process.hrtime.bigint()}`;
    try {
      const unzipped = unzipTo(zip, partial);
      if (unzipped > UNZIPPED_LIMIT) {
        throw new InvalidParameterValueException(`Unzipped size must be smaller than ${UNZIPPED_LIMIT} bytes`);
      }
      renameSync(partial, dir);
    } catch (err) {
      rmSync(partial, { recursive: true, force: true });
      if (err instanceof BadZipError) {
        throw new InvalidParameterValueException('Could not unzip uploaded file. Please check your file, then try to upload again.');
      }
      throw err;
    }
    return { dir, facts };
  }

  /**
   * An immutable copy of a local folder for a published version, shared by versions with the same
   * content. Returns undefined (the version keeps the live folder) when the folder is larger than
   * Lambda allows or has too many files to copy.
   */
  snapshot(functionName: string, dir: string): { dir: string; facts: CodeFacts } | undefined {
    const facts = this.facts(dir);
    if (facts.size > UNZIPPED_LIMIT) return undefined;
    const hex = Buffer.from(facts.sha256, 'base64').toString('hex');
    const copy = join(this.root, 'functions', functionName, `folder-${hex}`);
    if (!existsSync(copy)) {
      const partial = `${copy}.partial-${process.hrtime.bigint()}`;
      try {
        cpSync(dir, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
        renameSync(partial, copy);
      } catch {
        rmSync(partial, { recursive: true, force: true });
        return undefined;
      }
    }
    this.cache.set(copy, { fingerprint: fingerprint(copy).key, facts });
    return { dir: copy, facts };
  }

  /** True for folders this store made (their content never changes). */
  manages(dir: string): boolean {
    return dir.startsWith(join(this.root, 'functions') + '/');
  }

  /** CodeSha256 and CodeSize of a folder's content; recomputed only when a file's size or mtime changed. */
  facts(dir: string): CodeFacts {
    const print = fingerprint(dir);
    const known = this.cache.get(dir);
    if (known && known.fingerprint === print.key) return known.facts;
    const hash = createHash('sha256');
    let size = 0;
    for (const file of print.files) {
      const path = join(dir, file.rel);
      hash.update(`${file.rel}\0${file.kind}\0`);
      try {
        if (file.kind === 'link') hash.update(readlinkSync(path));
        else {
          const data = readFileSync(path);
          hash.update(data);
          size += data.length;
        }
      } catch {
        // vanished while hashing: the next call sees a new fingerprint
      }
      hash.update('\n');
    }
    const facts = { sha256: hash.digest('base64'), size };
    this.cache.set(dir, { fingerprint: print.key, facts });
    return facts;
  }

  /** Removes every folder kept for a function (after DeleteFunction). */
  removeFunction(functionName: string): void {
    rmSync(join(this.root, 'functions', functionName), { recursive: true, force: true });
    for (const dir of this.cache.keys()) if (dir.startsWith(join(this.root, 'functions', functionName) + '/')) this.cache.delete(dir);
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

interface FileEntry {
  rel: string;
  kind: 'file' | 'exec' | 'link';
}

/** The folder's files in a stable order and a key made of their paths, sizes and mtimes. */
function fingerprint(dir: string): { key: string; files: FileEntry[] } {
  const files: FileEntry[] = [];
  const key = createHash('sha256');
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (files.length >= MAX_FILES) return;
      const path = join(d, name);
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        walk(path);
        continue;
      }
      const rel = relative(dir, path);
      const kind = st.isSymbolicLink() ? 'link' : st.mode & 0o111 ? 'exec' : 'file';
      files.push({ rel, kind });
      key.update(`${rel}\0${kind}\0${st.size}\0${st.mtimeMs}\n`);
    }
  };
  walk(dir);
  return { key: key.digest('base64'), files };
}
