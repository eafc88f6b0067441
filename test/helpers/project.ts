// A throwaway SAM project for a test: files written into a fresh temp dir (outside the repository,
// so nothing of ours is found by walking up from it; in /var/tmp where it exists, as a namespace
// sandbox's own /tmp would hide the project's folder), modes as given, removed by `remove()`.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface Project {
  dir: string;
  path: (...p: string[]) => string;
  /** Write (or overwrite) files, relative to the project's folder. */
  write: (files: Record<string, string>, mode?: number) => void;
  remove: () => void;
}

export function makeProject(name: string, files: Record<string, string> = {}, executables: Record<string, string> = {}): Project {
  const dir = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), `ephemera-${name}-`));
  const write = (f: Record<string, string>, mode?: number): void => {
    for (const [file, text] of Object.entries(f)) {
      const path = join(dir, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      if (mode !== undefined) chmodSync(path, mode);
    }
  };
  write(files);
  write(executables, 0o755);
  return { dir, path: (...p) => join(dir, ...p), write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
