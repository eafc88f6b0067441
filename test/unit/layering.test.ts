// The dependency rules of docs/internals/layering.md, checked on every import of every .ts/.mjs source
// (static, type-only, re-exports, dynamic import()): a forbidden import fails with its file:line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, maskSource } from '../helpers/imports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Top-level areas, each with the areas it may import (besides itself and packages). */
const AREAS: Record<string, { mayImport: string[]; packages?: 'no-http-framework' }> = {
  // Our runtime clients run inside the environments and ship as files: nothing of ours.
  'runtime-api/bootstrap': { mayImport: [] },
  lib: { mayImport: [] },
  'runtime-api': { mayImport: ['lib'], packages: 'no-http-framework' },
  services: { mayImport: ['lib'], packages: 'no-http-framework' },
  pollers: { mayImport: ['services', 'lib'], packages: 'no-http-framework' },
  server: { mayImport: ['runtime-api', 'services', 'pollers', 'lib'] },
};

/**
 * Inside server/, top to bottom: a file may import its own layer and the layers below it. Names ending
 * in `/` are folders, others are files at the top of server/.
 */
const SERVER_LAYERS: string[][] = [
  ['app.ts', 'main.ts', 'cli/', 'features/'], // composition (and the CLI's commands): the only code that knows every piece
  ['http/', 'front-door/', 'durable/', 'dev/', 'options.ts'], // the doors (main port, --api-port, durable executions), the dev loop, the CLI's options
  ['async/'],
  ['invoke/'],
  ['pool/'],
  ['registry/', 'template/'],
  ['environment/', 'build/', 'events/', 'temp-dirs.ts'], // an execution environment, how its code is launched, what it reports, its temp dirs
  ['model.ts', 'errors.ts', 'lambda-rules.ts', 'logger.ts', 'metrics.ts'], // the vocabulary every layer shares
];

/** Computed import() specifiers, where a file loads code that is not ours by design. */
const COMPUTED_IMPORTS: Record<string, string> = {
  'runtime-api/bootstrap/nodejs/user-function.mjs': "loads the function's own handler",
};

const HTTP_FRAMEWORKS = /^(fastify|@fastify\/|find-my-way|light-my-request)/;

const CHECKED = Object.keys(AREAS).filter((a) => !a.includes('/'));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mjs)$/.test(entry.name)) out.push(path);
  }
  return out;
}

/** The most specific area a repository path lies in (undefined: test/, bench/, scripts/, ...). */
function areaOf(path: string): string | undefined {
  return Object.keys(AREAS).filter((a) => path.startsWith(`${a}/`)).sort((a, b) => b.length - a.length)[0];
}

/** Index of the server layer of `path` (a path inside server/), or -1 when no layer names it. */
function serverLayer(path: string): number {
  const inner = path.slice('server/'.length);
  return SERVER_LAYERS.findIndex((layer) => layer.some((name) => (name.endsWith('/') ? inner.startsWith(name) : inner === name)));
}

/** Why importing `target` from `file` breaks a rule, or undefined when it may. */
function violation(file: string, target: string): string | undefined {
  const from = areaOf(file)!;
  const to = areaOf(target);
  if (to === undefined) return `${from}/ imports ${target.split('/')[0]}/, which is not part of the product`;
  if (to !== from && !AREAS[from].mayImport.includes(to)) return `${from}/ may not import ${to}/ (it may import: ${AREAS[from].mayImport.map((a) => `${a}/`).join(', ') || 'nothing of ours'})`;
  if (from === 'server' && to === 'server') {
    const a = serverLayer(file);
    const b = serverLayer(target);
    // A file in no layer is reported on its own (findings()).
    if (a >= 0 && b >= 0 && b < a) return `server layer [${SERVER_LAYERS[a].join(' ')}] may not import the higher layer [${SERVER_LAYERS[b].join(' ')}]`;
  }
  return undefined;
}

interface Finding {
  where: string;
  problem: string;
}

function findings(): Finding[] {
  const out: Finding[] = [];
  for (const file of CHECKED.flatMap(sources)) {
    const area = areaOf(file)!;
    if (area === 'server' && serverLayer(file) < 0) {
      out.push({ where: `${file}:1`, problem: 'is in no server layer: add it to SERVER_LAYERS (test/unit/layering.test.ts) and docs/internals/layering.md' });
    }
    for (const site of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      const where = `${file}:${site.line}`;
      const spec = site.specifier;
      if (spec === undefined) {
        if (!COMPUTED_IMPORTS[file]) out.push({ where, problem: 'import() of a computed specifier: the layering cannot be checked' });
        continue;
      }
      if (!spec.startsWith('.')) {
        if (AREAS[area].packages === 'no-http-framework' && HTTP_FRAMEWORKS.test(spec)) {
          out.push({ where, problem: `imports '${spec}': ${area}/ stays framework-free (the server adapts it)` });
        }
        continue;
      }
      const target = relative(ROOT, join(ROOT, dirname(file), spec)).split(sep).join('/');
      const why = violation(file, target);
      if (why) out.push({ where, problem: `imports '${spec}': ${why}` });
    }
  }
  return out;
}

describe('layering', () => {
  it('every import of every source follows the rules', () => {
    const found = findings();
    expect(found.map((f) => `${f.where} ${f.problem}`)).toEqual([]);
  });

  it('checks a real number of files and imports (the scan is not vacuous)', () => {
    const files = CHECKED.flatMap(sources);
    expect(files.length).toBeGreaterThan(150);
    expect(files.filter((f) => f.startsWith('services/')).length).toBeGreaterThan(20);
    const imports = files.reduce((n, f) => n + importsOf(readFileSync(join(ROOT, f), 'utf8')).length, 0);
    expect(imports).toBeGreaterThan(500);
  });

  it.each([
    ['pollers/sqs-poller.ts', 'server/registry/registry.ts', /pollers\/ may not import server\//],
    ['services/sqs/embedded-queue.ts', 'pollers/invoker.ts', /services\/ may not import pollers\//],
    ['runtime-api/server.ts', 'server/model.ts', /runtime-api\/ may not import server\//],
    ['runtime-api/bootstrap/nodejs/runtime.mjs', 'lib/read-body.ts', /may not import lib\//],
    ['server/pool/environment-pool.ts', 'server/invoke/invocation-service.ts', /\[pool\/\] may not import the higher layer \[invoke\/\]/],
    ['server/http/invoke-routes.ts', 'server/app.ts', /may not import the higher layer \[app\.ts/],
    ['server/environment/state.ts', 'test/helpers/emulator.ts', /not part of the product/],
  ])('refuses %s → %s', (file, target, why) => {
    expect(violation(file, target)).toMatch(why);
  });

  it.each([
    ['pollers/sqs-poller.ts', 'services/sqs/queue.ts'],
    ['server/features/invocation-core.ts', 'server/pool/environment-pool.ts'],
    ['server/http/invoke-routes.ts', 'lib/read-body.ts'],
    ['server/async/async-invoker.ts', 'server/invoke/invocation-service.ts'],
    ['server/environment/execution-environment.ts', 'runtime-api/server.ts'],
  ])('allows %s → %s', (file, target) => {
    expect(violation(file, target)).toBeUndefined();
  });
});

describe('import scanner', () => {
  const specs = (src: string) => importsOf(src).map((s) => [s.specifier ?? '<computed>', s.line, s.kind]);

  it.each([
    ["import { a } from './a.ts';", [['./a.ts', 1, 'static']]],
    ["import type { A, B } from '../b.ts';", [['../b.ts', 1, 'static']]],
    ["import x, { y } from 'pkg';\nimport * as z from \"./z.ts\";", [['pkg', 1, 'static'], ['./z.ts', 2, 'static']]],
    ["import {\n  a,\n  b,\n} from './multi.ts';", [['./multi.ts', 1, 'static']]],
    ["export * from './all.ts';\nexport { q } from './q.ts';\nexport type { T } from './t.ts';", [['./all.ts', 1, 'static'], ['./q.ts', 2, 'static'], ['./t.ts', 3, 'static']]],
    ["import './side.ts';", [['./side.ts', 1, 'static']]],
    ["const m = await import('./lazy.ts');\nconst n = await import(name);", [['./lazy.ts', 1, 'dynamic'], ['<computed>', 2, 'dynamic']]],
    ["// import { a } from './comment.ts';\n/* import './block.ts'; */", []],
    ["const s = \"import { a } from './string.ts'\";\nconst t = `import('./template.ts') ${import('./inside.ts')}`;", [['./inside.ts', 2, 'dynamic']]],
    ["const r = /['\"]import '.\\/regex.ts'/;\nimport { b } from './after.ts';", [['./after.ts', 2, 'static']]],
    ["const url = new URL('../package.json', import.meta.url);\nx.import('./not.ts');", []],
  ])('%s', (src, expected) => {
    expect(specs(src)).toEqual(expected);
  });

  it('masks without moving offsets or lines', () => {
    const src = "a = `x\n${b}` // c\n/* d\n*/ '\\'e'";
    const masked = maskSource(src);
    expect(masked.length).toBe(src.length);
    expect(masked.split('\n').length).toBe(src.split('\n').length);
  });
});
