// A Python wheel made by a test (no PyPI, no build backend): a zip with the package's files, its
// .dist-info (METADATA, WHEEL, RECORD with each file's sha256), as `pip install` expects one.
import { createHash } from 'node:crypto';
import { zipOf } from './zip.ts';

/** `name` (an importable module name, e.g. `ephemera_testpkg`), `version`, files relative to the wheel root. */
export function wheelOf(name: string, version: string, files: Record<string, string>): { filename: string; content: Buffer } {
  const info = `${name}-${version}.dist-info`;
  const all: Record<string, string> = {
    ...files,
    [`${info}/METADATA`]: `Metadata-Version: 2.1\nName: ${name.replaceAll('_', '-')}\nVersion: ${version}\n`,
    [`${info}/WHEEL`]: 'Wheel-Version: 1.0\nGenerator: ephemera-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
  };
  const hash = (text: string): string => createHash('sha256').update(text).digest('base64url');
  const record = [...Object.entries(all).map(([p, t]) => `${p},sha256=${hash(t)},${Buffer.byteLength(t)}`), `${info}/RECORD,,`].join('\n');
  return { filename: `${name}-${version}-py3-none-any.whl`, content: zipOf({ ...all, [`${info}/RECORD`]: `${record}\n` }) };
}
