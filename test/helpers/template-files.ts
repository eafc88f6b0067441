// A temp dir of SAM/CloudFormation templates for the loadTemplate tests (test/unit/template*.test.ts):
// each file calls useTemplateDir() once, then writes templates with load()/fails() and reads `dir`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { FunctionConfig, LoadedTemplate } from '../../server/model.ts';
import { loadTemplate, TemplateError } from '../../server/template/load-template.ts';

export let dir = '';
/** How many templates were written: the last one is `t${count}.<ext>` in dir. */
export let count = 0;
export const opts = { region: 'eu-west-1', accountId: '111122223333' };
export const HEAD = 'Transform: AWS::Serverless-2016-10-31\n';

/** Makes the temp dir (with src/, src/a, src/b, lambda/ and a package.zip) before the file's tests, removes it after. */
export function useTemplateDir(): void {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ephemera-template-'));
    for (const d of ['src', 'src/a', 'src/b', 'lambda']) mkdirSync(join(dir, d), { recursive: true });
    writeFileSync(join(dir, 'package.zip'), 'PK');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}

export function write(text: string, ext = 'yaml'): string {
  const file = join(dir, `t${++count}.${ext}`);
  writeFileSync(file, text);
  return file;
}
export function load(text: string, extra: Partial<Parameters<typeof loadTemplate>[1]> = {}): LoadedTemplate {
  return loadTemplate(write(text), { ...opts, ...extra });
}
export function fn(t: LoadedTemplate, logicalId: string): FunctionConfig {
  const f = t.functions.find((x) => x.logicalId === logicalId);
  if (!f) throw new Error(`no function ${logicalId}`);
  return f;
}
export function fails(text: string, extra: Partial<Parameters<typeof loadTemplate>[1]> = {}): TemplateError {
  try {
    load(text, extra);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}
export const messages = (t: LoadedTemplate): string[] => t.warnings.map((w) => `${w.resource}: ${w.message}`);
