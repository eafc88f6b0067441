// Deployment packages the conformance data names (`Code: {ZipFile: {$zip: python-echo}}`): the same
// kinds of handlers the recordings used, built in memory.
import { zipOf } from '../../helpers/zip.ts';

const SOURCES: Record<string, Record<string, string>> = {
  // Returns its event: LocalStack's echo handler, handler `handler.handler`.
  'python-echo': { 'handler.py': 'def handler(event, context):\n    return event\n' },
  // The same with another body (an UpdateFunctionCode changes CodeSha256).
  'python-echo-2': { 'handler.py': 'import json\n\n\ndef handler(event, context):\n    return json.loads(json.dumps(event))\n' },
  'node-echo': { 'index.mjs': 'export const handler = async (event) => event;\n' },
};

const cache = new Map<string, Buffer>();

export function codePackage(name: string): Buffer {
  const files = SOURCES[name];
  if (!files) throw new Error(`no code package ${name}`);
  let zip = cache.get(name);
  if (!zip) {
    zip = zipOf(files);
    cache.set(name, zip);
  }
  return zip;
}
