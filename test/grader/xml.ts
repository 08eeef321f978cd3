// A strict little XML reader for the tests: elements, attributes, text, the five entities and
// character references. Throws on anything that is not well-formed XML 1.0, so a test that
// reads a report with it proves the report parses.
export interface XmlNode { readonly name: string; readonly attrs: Record<string, string>; readonly children: XmlNode[]; text: string }

const CHARS = /^[\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

function decode(s: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad entity in ${JSON.stringify(s.slice(0, 40))}`);
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'"
      : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
}

export function parseXml(doc: string): XmlNode {
  if (!CHARS.test(doc)) throw new Error('a character XML 1.0 does not allow');
  const body = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < body.length) {
    token.lastIndex = i;
    const m = token.exec(body);
    if (m === null) throw new Error(`not well-formed at ${i}: ${JSON.stringify(body.slice(i, i + 40))}`);
    i = token.lastIndex;
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of m[3].matchAll(/([\w:.-]+)="([^"<]*)"/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]] = decode(a[2]);
      }
      const node: XmlNode = { name: m[2], attrs, children: [], text: '' };
      top.children.push(node);
      if (m[4] !== '/') stack.push(node);
    } else {
      if (stack.length === 1 && m[5].trim() !== '') throw new Error('text outside the root element');
      top.text += decode(m[5]);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].name}> is not closed`);
  if (root.children.length !== 1) throw new Error('a document has exactly one root element');
  return root.children[0];
}

export function find(n: XmlNode, name: string): XmlNode[] {
  return [...(n.name === name ? [n] : []), ...n.children.flatMap((c) => find(c, name))];
}
