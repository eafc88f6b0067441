// Where a function's code (CodeUri / Code) or a layer's content (ContentUri / Content) lives, resolved
// against the template's folder to an existing directory; S3 locations, inline code and zip files cannot run locally.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRecord } from './node-path.ts';

export type CodeLocation = { dir: string } | { skip: string };

/**
 * Resolves a resolved `CodeUri` / `Code` / `ContentUri` / `Content` value. `fail` throws a TemplateError at the property.
 * A missing CodeUri means the template's own folder, as in SAM.
 */
export function codeLocation(
  prop: 'CodeUri' | 'Code' | 'ContentUri' | 'Content',
  value: unknown,
  templateDir: string,
  fail: (message: string) => never,
): CodeLocation {
  if (value === undefined) return checkDir(prop, '.', templateDir, fail);
  if (typeof value === 'string') {
    if (/^s3:\/\//i.test(value)) return { skip: `${prop} is an S3 location (${value}); only local directories can run` };
    if (value === '') fail(`${prop} must not be empty`);
    return checkDir(prop, value, templateDir, fail);
  }
  if (isRecord(value)) {
    if (prop === 'Code' && Object.hasOwn(value, 'ZipFile')) {
      return { skip: 'Code.ZipFile (inline code) is not supported locally; put the code in a directory and set Code to its path' };
    }
    if (prop === 'Code' && Object.hasOwn(value, 'ImageUri')) return { skip: 'container image functions are not supported locally' };
    if (Object.hasOwn(value, 'Bucket') || Object.hasOwn(value, 'S3Bucket')) {
      return { skip: `${prop} is an S3 location; only local directories can run` };
    }
  }
  return fail(`${prop} must be a path to a local directory; got ${JSON.stringify(value)}`);
}

function checkDir(prop: string, rel: string, templateDir: string, fail: (message: string) => never): CodeLocation {
  const dir = resolve(templateDir, rel);
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) fail(`${prop} '${rel}': directory ${dir} does not exist`);
  if (!stat!.isDirectory()) {
    return { skip: `${prop} '${rel}' is a file; only code directories are supported locally (not .zip or .jar packages)` };
  }
  return { dir };
}
