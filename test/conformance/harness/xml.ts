// A minimal XML reader for the query protocol's answers: elements, text and the five entities, enough
// for AWS's generated XML (no attributes are read, no DTDs, no CDATA). Pure.

export interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
  child(name: string): XmlNode | undefined;
  all(name: string): XmlNode[];
}

function node(name: string): XmlNode {
  const n: XmlNode = {
    name, text: '', children: [],
    child: (c) => n.children.find((x) => x.name === c),
    all: (c) => n.children.filter((x) => x.name === c),
  };
  return n;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function unescapeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? all;
  });
}

/** The document element, or undefined when the text is not XML. */
export function parseXml(text: string): XmlNode | undefined {
  const root = node('#document');
  const stack: XmlNode[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|<\?[^>]*\?>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (const m of text.matchAll(tag)) {
    const top = stack[stack.length - 1];
    top.text += unescapeXml(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const el = node(m[2].replace(/^\w+:/, ''));
    top.children.push(el);
    if (m[3] !== '/') stack.push(el);
  }
  return root.children[0];
}
