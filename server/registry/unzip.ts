// Unpacking a deployment package (CreateFunction / UpdateFunctionCode Code.ZipFile) into a folder with
// fflate, keeping what fflate does not report: the Unix modes (executable `bootstrap`, extensions) and
// symbolic links, read from the zip's central directory. Entries that would land outside the folder are refused.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

export class BadZipError extends Error {
  readonly code = 'EPH_ERR_BAD_ZIP';
}

/** Unix mode of each entry that carries one (made on Unix: host byte 3), by entry name. */
export function zipModes(zip: Uint8Array): Map<string, number> {
  const modes = new Map<string, number>();
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new BadZipError('no end of central directory record');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (at === 0xffffffff) return modes; // zip64: contents still unpack, modes default
  const names = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== CENTRAL) throw new BadZipError('truncated central directory');
    const host = view.getUint16(at + 4, true) >> 8;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const external = view.getUint32(at + 38, true);
    const name = names.decode(zip.subarray(at + 46, at + 46 + nameLength));
    if (host === 3 && external >>> 16 !== 0) modes.set(name, external >>> 16);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return modes;
}

/**
 * Unpacks `zip` into `dest` (which must not exist yet). Returns the unzipped size in bytes.
 * Throws BadZipError for anything that is not a readable zip or that escapes `dest`.
 */
export function unzipTo(zip: Uint8Array, dest: string): number {
  let files: Record<string, Uint8Array>;
  let modes: Map<string, number>;
  try {
    modes = zipModes(zip);
    files = unzipSync(zip);
  } catch (err) {
    throw err instanceof BadZipError ? err : new BadZipError((err as Error).message);
  }
  mkdirSync(dest, { recursive: true, mode: 0o755 });
  let size = 0;
  for (const [name, data] of Object.entries(files)) {
    const rel = normalize(name.replaceAll('\\', '/'));
    if (rel.startsWith('/') || rel === '..' || rel.startsWith(`..${sep}`) || rel.split(sep).includes('..')) {
      throw new BadZipError(`entry ${name} points outside the package`);
    }
    const path = join(dest, rel);
    const mode = modes.get(name) ?? 0;
    if (name.endsWith('/') || (mode & S_IFMT) === S_IFDIR) {
      mkdirSync(path, { recursive: true, mode: 0o755 });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    if ((mode & S_IFMT) === S_IFLNK) {
      const target = new TextDecoder().decode(data);
      if (target.startsWith('/') || normalize(join(dirname(rel), target)).split(sep)[0] === '..') {
        throw new BadZipError(`symbolic link ${name} points outside the package`);
      }
      symlinkSync(target, path);
      continue;
    }
    writeFileSync(path, data);
    // Lambda keeps the executable bits (bootstrap, extensions); everything stays readable.
    chmodSync(path, mode & 0o111 ? 0o755 : 0o644);
    size += data.length;
  }
  return size;
}
