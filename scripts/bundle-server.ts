// `npm pack`'s prepack step: bundles the server (server/, runtime-api/, pollers/, services/, lib/) into dist/main.mjs
// with esbuild, because Node will not strip types from .ts files under node_modules. Dependencies stay
// external (they are installed with the package); each file's `import.meta.url` keeps meaning its source path.
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUTFILE = join(DIST, 'main.mjs');

/**
 * The sources find their files (runtime clients, default template, package.json, web view) relative to
 * their own `import.meta.url`. In one bundle every file would share dist/main.mjs's URL, so `define`
 * turns each `import.meta.url` expression (not strings that mention it) into a per-file constant holding
 * the URL the source file has in the package (dist/ sits one level below the root, as server/ does).
 * `import.meta.dirname` / `.filename` are refused rather than silently wrong.
 */
const META_URL = '__ephemeraSourceUrl';
const BUNDLE_URL = '__ephemeraBundleUrl';

export const sourceUrlPlugin: Plugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const rel = relative(DIST, args.path).split(sep).join('/');
      if (/import\.meta\.(dirname|filename)\b/.test(text)) {
        return { errors: [{ text: `${rel}: use fileURLToPath(import.meta.url) instead of import.meta.dirname/filename (see scripts/bundle-server.ts)` }] };
      }
      const prelude = `const ${META_URL} = new URL(${JSON.stringify(rel)}, ${BUNDLE_URL}).href;\n`;
      return { contents: prelude + text, loader: 'ts' };
    });
  },
};

export async function bundleServer(outfile = OUTFILE): Promise<void> {
  await rm(dirname(outfile), { recursive: true, force: true });
  await build({
    entryPoints: [join(ROOT, 'server/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    packages: 'external',
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [sourceUrlPlugin],
    define: { 'import.meta.url': META_URL },
    // Not parsed by esbuild, so this import.meta.url stays the bundle's own.
    banner: { js: `// Bundled from ephemera's TypeScript sources by scripts/bundle-server.ts (npm prepack). Do not edit.\nconst ${BUNDLE_URL} = import.meta.url;` },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleServer();
  // stderr: `npm pack --json` prints its JSON on stdout.
  console.error(`bundled ${relative(ROOT, OUTFILE)}`);
}
