#!/usr/bin/env node
// The `ephemera` command from a clone: checks the Node version (type stripping needs >= 22.18),
// then runs the TypeScript sources directly.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`ephemera needs Node.js >= 22.18 (it runs its TypeScript sources directly); this is Node ${process.versions.node}.`);
  process.exit(1);
}
await import('../server/main.ts');
