// Template text → plain JSON-like value (short-form tags turned into long forms) plus a map from
// every node's path to its line and column, so later checks can point at the offending node.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { NodePath } from './node-path.ts';
import { type SourcePos, TemplateError } from './template-error.ts';
import { cfnYamlTags, toLongForm } from './yaml-tags.ts';

/** Line/column of each node, keyed by its path (map keys point at the key, list items at the item). */
export class Positions {
  private readonly byPath = new Map<string, SourcePos>();

  private static key(path: NodePath): string {
    return path.join('\u0000');
  }

  set(path: NodePath, pos: SourcePos): void {
    this.byPath.set(Positions.key(path), pos);
  }

  /** The position of `path`, else of its nearest ancestor that has one. */
  near(path: NodePath): SourcePos | undefined {
    for (let n = path.length; n >= 0; n--) {
      const pos = this.byPath.get(Positions.key(path.slice(0, n)));
      if (pos) return pos;
    }
    return undefined;
  }

  /** Whether this exact path exists in the source. */
  has(path: NodePath): boolean {
    return this.byPath.has(Positions.key(path));
  }
}

export interface ParsedSource {
  value: unknown;
  positions: Positions;
  /** Parser warnings (e.g. unknown tags), already formatted with their line. */
  warnings: string[];
}

/** Parses YAML (JSON is a subset) and falls back to JSON.parse for JSON that YAML rejects. */
export function parseTemplateSource(file: string, text: string): ParsedSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, customTags: cfnYamlTags(), prettyErrors: false });
  const positions = new Positions();
  const at = (offset: number): SourcePos => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    const json = tryJson(text);
    if (json !== undefined) return { value: json, positions, warnings: [] };
    const first = doc.errors[0];
    throw new TemplateError(file, `YAML syntax error: ${first.message}`, at(first.pos[0]));
  }
  const warnings = doc.warnings.map((w) => `line ${at(w.pos[0]).line}: ${w.message}`);
  const value = doc.contents ? toPlain(doc, doc.contents as YamlNode, [], positions, at) : null;
  return { value, positions, warnings };
}

function toPlain(
  doc: Document,
  node: YamlNode,
  path: NodePath,
  positions: Positions,
  at: (offset: number) => SourcePos,
): unknown {
  if (node.range && !positions.has(path)) positions.set(path, at(node.range[0]));
  if (isAlias(node)) {
    const target = node.resolve(doc);
    return target ? toPlain(doc, target as YamlNode, path, positions, at) : null;
  }
  let value: unknown;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const child = [...path, key];
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (keyRange) positions.set(child, at(keyRange[0]));
      out[key] = pair.value ? toPlain(doc, pair.value as YamlNode, child, positions, at) : null;
    }
    value = out;
  } else if (isSeq(node)) {
    value = node.items.map((item, i) => toPlain(doc, item as YamlNode, [...path, i], positions, at));
  } else if (isScalar(node)) {
    value = node.value;
    // Keep digits with a leading zero (account ids, codes) as written instead of as a number.
    const source = (node as { source?: unknown }).source;
    if (typeof value === 'number' && typeof source === 'string' && /^0\d+$/.test(source)) value = source;
  } else {
    value = null;
  }
  const tag = node.tag;
  return tag ? (toLongForm(tag, value) ?? value) : value;
}

function tryJson(text: string): unknown {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
