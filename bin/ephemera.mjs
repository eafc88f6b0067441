#!/usr/bin/env node
// The `ephemera` command from a clone: Node runs the TypeScript sources directly.
import '../server/main.ts';
