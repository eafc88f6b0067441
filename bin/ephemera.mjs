#!/usr/bin/env node
// The `ephemera` command: from a clone it runs the TypeScript sources directly (type stripping needs
// Node >= 22.18); from the npm package (no server/ sources, Node will not strip types under
// node_modules) it runs the bundle `npm pack` built into dist/. The Node version it needs is
// package.json's `engines.node` (the oldest its dependencies accept; test/unit/engines.test.ts).
import { existsSync, readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const [needMajor, needMinor] = engines.node.replace(/^>=\s*/, '').split('.').map(Number);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < needMajor || (major === needMajor && minor < (needMinor ?? 0))) {
  console.error(`ephemera needs Node.js ${engines.node}; this is Node ${process.versions.node}.`);
  process.exit(1);
}
const fromSources = existsSync(new URL('../server/main.ts', import.meta.url));
await import(fromSources ? '../server/main.ts' : '../dist/main.mjs');
