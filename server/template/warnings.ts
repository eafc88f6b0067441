// Collects template warnings (unsupported or ignored resources and properties, unresolved intrinsics)
// without duplicates, and renders them as the one start-up warning.

import type { TemplateWarning } from '../model.ts';
import { type NodePath, showPath } from './node-path.ts';
import type { Positions } from './parse-source.ts';

export class WarningCollector {
  readonly list: TemplateWarning[] = [];
  private readonly seen = new Set<string>();
  private readonly positions: Positions;

  constructor(positions: Positions) {
    this.positions = positions;
  }

  /**
   * Adds a warning about `resource` ('' for template-level). With a `path`, the message is prefixed
   * with the property path (relative to the resource when it lies inside it) and the line is recorded.
   * Warnings about Globals are reported once, for the template ('' resource).
   */
  add(resource: string, path: NodePath | undefined, message: string): void {
    // A Globals value is shared by every function: report it once, for the template.
    if (path?.[0] === 'Globals') resource = '';
    let text = message;
    let line: number | undefined;
    if (path) {
      const inResource = resource !== '' && path[0] === 'Resources' && path[1] === resource;
      const shown = showPath(inResource ? path.slice(2) : path);
      if (shown !== '') text = `${shown}: ${message}`;
      line = this.positions.near(path)?.line;
    }
    const key = `${resource}\u0000${text}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(line === undefined ? { resource, message: text } : { resource, message: text, line });
  }
}

/** One multi-line warning listing everything the template uses that ephemera ignores; '' if none. */
export function formatWarnings(warnings: readonly TemplateWarning[]): string {
  if (warnings.length === 0) return '';
  const n = warnings.length;
  const lines = [`template: ${n} warning${n === 1 ? '' : 's'} (parts of the template that are ignored or not resolved locally):`];
  const sorted = [...warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  for (const w of sorted) {
    const where = w.line === undefined ? '' : `line ${w.line}: `;
    const who = w.resource === '' ? '' : `${w.resource}: `;
    lines.push(`  - ${where}${who}${w.message}`);
  }
  return lines.join('\n');
}
