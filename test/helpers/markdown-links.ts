// Reading Markdown the way GitHub renders it, for the docs link check: the links a page makes (outside
// code), the anchors its headings get (GitHub's slugs), and what is wrong with a link in a clone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

export interface MarkdownLink {
  target: string;
  line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const INLINE_LINK = /!?\[(?:[^[\]]|\[[^[\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HTML_ATTRIBUTE = /\b(?:href|src)\s*=\s*"([^"]*)"/g;
const HTML_ANCHOR = /<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"/g;
const ATX_HEADING = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/;

/** The lines of a page outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, i) => {
    const opening = FENCE.exec(raw)?.[1];
    if (fence === undefined && opening) {
      fence = opening;
    } else if (fence !== undefined) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length && raw.trim() === opening) fence = undefined;
    } else {
      out.push({ text: raw, line: i + 1 });
    }
  });
  return out;
}

/** A line with every inline code span's content blanked (its backticks kept), so code never reads as a link. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (_m, ticks: string, body: string) => `${ticks}${'x'.repeat(body.length)}${ticks}`);
}

/** Every link target a page makes outside code: inline links and images, reference definitions, HTML href/src. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const { text: raw, line } of proseLines(text)) {
    const prose = withoutCodeSpans(raw);
    const add = (target: string): void => {
      links.push({ target: target.startsWith('<') && target.endsWith('>') ? target.slice(1, -1) : target, line });
    };
    for (const m of prose.matchAll(INLINE_LINK)) add(m[1]);
    const definition = REFERENCE_DEFINITION.exec(prose);
    if (definition) add(definition[1]);
    for (const m of prose.matchAll(HTML_ATTRIBUTE)) add(m[1]);
  }
  return links;
}

/** GitHub's anchor for a heading's Markdown text (github-slugger on the rendered text). */
export function githubSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images → their text
    .replace(/<[^>]+>/g, '') // HTML tags
    .replace(/`+/g, '') // code spans keep their content
    .replace(/\*+/g, ''); // emphasis
  return rendered.toLowerCase().trim().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** The anchors a page offers: its headings' slugs (repeats get -1, -2, … as on GitHub) and HTML ids. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text: raw } of proseLines(text)) {
    const heading = ATX_HEADING.exec(raw)?.[1];
    if (heading !== undefined) {
      const slug = githubSlug(heading);
      const n = seen.get(slug) ?? 0;
      seen.set(slug, n + 1);
      anchors.add(n === 0 ? slug : `${slug}-${n}`);
    }
    for (const m of raw.matchAll(HTML_ANCHOR)) anchors.add(m[1]);
  }
  return anchors;
}

/**
 * What is wrong with one link of `file` in a clone rooted at `root`, or undefined when it resolves.
 * Web links (http, https, mailto) are not followed; every other link must stay inside the repository.
 */
export function linkProblem(root: string, file: string, target: string, anchorsOf: (path: string) => Set<string>): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https' || scheme === 'mailto') return undefined;
  if (scheme !== undefined) return `a ${scheme}: link leaves the repository`;
  const hash = target.indexOf('#');
  const pathPart = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? undefined : target.slice(hash + 1);
  let path: string;
  try {
    path = decodeURIComponent(pathPart);
  } catch {
    return 'a malformed %-escape';
  }
  if (isAbsolute(path)) return 'an absolute path leaves the repository';
  const resolved = pathPart === '' ? file : resolve(dirname(file), path);
  const inside = relative(root, resolved);
  if (inside.startsWith('..') || isAbsolute(inside)) return 'leaves the repository';
  if (!existsSync(resolved)) return `${inside} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!resolved.endsWith('.md')) return `#${anchor} points into ${inside}, which is not a Markdown page`;
  return anchorsOf(resolved).has(decodeURIComponent(anchor)) ? undefined : `${inside} has no heading #${anchor}`;
}

/** Anchors per page, read once. */
export function anchorCache(): (path: string) => Set<string> {
  const cache = new Map<string, Set<string>>();
  return (path) => {
    let anchors = cache.get(path);
    if (!anchors) {
      anchors = headingAnchors(readFileSync(path, 'utf8'));
      cache.set(path, anchors);
    }
    return anchors;
  };
}
