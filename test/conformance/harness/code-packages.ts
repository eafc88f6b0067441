// Deployment packages the conformance data names (`Code: {ZipFile: {$zip: python-echo}}`): the same
// kinds of handlers the recordings used, built in memory.
import { type ZipEntry, zipOf } from '../../helpers/zip.ts';

const SOURCES: Record<string, Record<string, string | ZipEntry>> = {
  // Returns its event: LocalStack's echo handler, handler `handler.handler`.
  'python-echo': { 'handler.py': 'def handler(event, context):\n    return event\n' },
  // The same with another body (an UpdateFunctionCode changes CodeSha256).
  'python-echo-2': { 'handler.py': 'import json\n\n\ndef handler(event, context):\n    return json.loads(json.dumps(event))\n' },
  // Returns nothing (LocalStack's "none" handlers): the payload is `null`.
  'python-none': { 'handler.py': 'def handler(event, context):\n    print(event)\n' },
  // Writes one line with print and one with the logging module, and returns its event with the context's
  // fields (what LocalStack's integration handler answers, written here in its own way).
  'python-context': {
    'handler.py': [
      'import logging',
      '',
      'log = logging.getLogger()',
      'log.setLevel(logging.INFO)',
      '',
      '',
      'def handler(event, context):',
      '    print("Lambda log message - print function")',
      '    log.info("Lambda log message - logging module")',
      '    fields = ["invoked_function_arn", "function_version", "function_name", "memory_limit_in_mb",',
      '              "aws_request_id", "log_group_name", "log_stream_name", "client_context"]',
      '    return {"event": event, "context": {f: getattr(context, f) for f in fields}}',
      '',
    ].join('\n'),
  },
  'node-echo': { 'index.mjs': 'export const handler = async (event) => event;\n' },
  // A provided runtime whose bootstrap does nothing (LocalStack's "empty provided" function).
  'provided-empty': { bootstrap: { content: '#!/bin/sh\nexit 0\n', mode: 0o755 } },
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
