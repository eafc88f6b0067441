// Host paths for traces (pure parts): the host directory behind a bind mount from mountinfo, the
// sourceURL naming a module (runtime-api/bootstrap/nodejs/source-names.mjs), and bundles' inline
// source maps made absolute (server/build/source-map-paths.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absoluteSourceMap } from '../../server/build/source-map-paths.ts';
import { ROOT } from '../helpers/emulator.ts';

const names = (await import(pathToFileURL(join(ROOT, 'runtime-api/bootstrap/nodejs/source-names.mjs')).href)) as {
  hostPathOf(mountPoint: string, mountinfo: string): string | undefined;
  withSourceName(source: string | Uint8Array, name: string): string | undefined;
};

const ROOT_FS = '46 45 254:0 / / rw,relatime - ext4 /dev/vda rw';
describe('hostPathOf', () => {
  it('a bind mount of a directory of the root file system', () => {
    const info = [ROOT_FS, '68 46 254:0 /home/me/app/hello /var/task ro,relatime - ext4 /dev/vda rw'].join('\n');
    expect(names.hostPathOf('/var/task', info)).toBe('/home/me/app/hello');
  });

  it('a directory of another file system, mounted at /work (the longest matching root wins)', () => {
    const info = [ROOT_FS, '50 46 8:1 / /work rw - ext4 /dev/sdb rw', '51 46 8:1 /wt /srv/wt rw - ext4 /dev/sdb rw', '68 46 8:1 /wt/leaks/fn /var/task ro - ext4 /dev/sdb rw'].join('\n');
    expect(names.hostPathOf('/var/task', info)).toBe('/srv/wt/leaks/fn');
  });

  it('escaped characters (a space is \\040)', () => {
    const info = [ROOT_FS, '68 46 254:0 /home/me/my\\040app /var/task ro - ext4 /dev/vda rw'].join('\n');
    expect(names.hostPathOf('/var/task', info)).toBe('/home/me/my app');
  });

  it('not a bind mount (process isolation) or a whole file system: undefined', () => {
    expect(names.hostPathOf('/var/task', ROOT_FS)).toBeUndefined();
    expect(names.hostPathOf('/var/task', [ROOT_FS, '70 46 0:99 / /var/task rw - tmpfs t rw'].join('\n'))).toBeUndefined();
  });
});

describe('withSourceName', () => {
  it('names a module, from text or bytes', () => {
    expect(names.withSourceName('export const a = 1;', 'file:///home/me/app/index.mjs')).toBe('export const a = 1;\n//# sourceURL=file:///home/me/app/index.mjs\n');
    expect(names.withSourceName(Buffer.from('x'), '/h/a.cjs')).toBe('x\n//# sourceURL=/h/a.cjs\n');
  });

  it('leaves generated code (it has a source map) and self-named code alone', () => {
    expect(names.withSourceName('a()\n//# sourceMappingURL=data:application/json;base64,e30=\n', '/h/b.js')).toBeUndefined();
    expect(names.withSourceName('a()\n//# sourceURL=mine.js', '/h/b.js')).toBeUndefined();
  });
});

describe('absoluteSourceMap', () => {
  const inline = (map: object): string => `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  const mapOf = (code: string): { sources: string[]; sourceRoot?: string } =>
    JSON.parse(Buffer.from(code.slice(code.lastIndexOf('base64,') + 7).trim(), 'base64').toString()) as { sources: string[] };

  it('relative sources become file:// URLs of the host files, resolved from the bundle', () => {
    const code = `x();\n${inline({ version: 3, sources: ['../../../../../home/me/app/src/a.ts', '../node_modules/lib/i.js'], mappings: 'AAAA' })}\n`;
    const out = absoluteSourceMap(code, '/tmp/cache/bundles/k/b-1/app.js');
    expect(out.startsWith('x();\n')).toBe(true);
    expect(mapOf(out).sources).toEqual(['file:///home/me/app/src/a.ts', 'file:///tmp/cache/bundles/k/node_modules/lib/i.js']);
  });

  it('sourceRoot is applied and dropped; absolute URLs stay', () => {
    const code = inline({ version: 3, sourceRoot: '/src/', sources: ['a.ts', 'webpack://x/b.ts'], mappings: '' });
    const map = mapOf(absoluteSourceMap(code, '/b/app.js'));
    expect(map.sources).toEqual(['file:///src/a.ts', 'webpack://x/b.ts']);
    expect(map.sourceRoot).toBeUndefined();
  });

  it('code without an inline map is unchanged', () => {
    expect(absoluteSourceMap('x();\n', '/b/app.js')).toBe('x();\n');
  });
});
