#!/usr/bin/env node
// The `ephemera` command: from a clone it runs the TypeScript sources directly (type stripping needs
// Node >= 22.18); from the npm package (no server/ sources, Node will not strip types under
// node_modules) it runs the bundle `npm pack` built into dist/.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`ephemera needs Node.js >= 22.18; this is Node ${process.versions.node}.`);
  process.exit(1);
}
const fromSources = existsSync(new URL('../server/main.ts', import.meta.url));
await import(fromSources ? '../server/main.ts' : '../dist/main.mjs');
