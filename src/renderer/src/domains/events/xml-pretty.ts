/**
 * Pretty-print XML for display. A small tokenizer, not a parser: it never interprets entities or DOCTYPEs (nothing
 * to expand or fetch), keeps CDATA and text byte for byte, and returns the input unchanged when tags do not balance.
 */
const TOKEN_RE =
  /(<!\[CDATA\[[\s\S]*?\]\]>)|(<!--[\s\S]*?-->)|(<\?[\s\S]*?\?>)|(<![^>]*>)|(<\/[^>]+>)|(<[^>]*\/>)|(<[^>]+>)|([^<]+)/g;

type Token = { kind: 'cdata' | 'comment' | 'decl' | 'close' | 'empty' | 'open' | 'text'; text: string };

function tokenize(xml: string): Token[] | null {
  const tokens: Token[] = [];
  let consumed = 0;
  for (const m of xml.matchAll(TOKEN_RE)) {
    if (m.index !== consumed) return null; // a stray '<' the patterns do not cover
    consumed += m[0].length;
    const kind: Token['kind'] = m[1]
      ? 'cdata'
      : m[2]
        ? 'comment'
        : m[3] || m[4]
          ? 'decl'
          : m[5]
            ? 'close'
            : m[6]
              ? 'empty'
              : m[7]
                ? 'open'
                : 'text';
    tokens.push({ kind, text: m[0] });
  }
  return consumed === xml.length ? tokens : null;
}

function tagName(tag: string): string {
  return /^<\/?\s*([^\s/>]+)/.exec(tag)?.[1] ?? '';
}

export function prettyXml(xml: string, indent = '  '): string {
  const trimmed = xml.trim();
  if (!trimmed.startsWith('<')) return xml;
  const tokens = tokenize(trimmed);
  if (!tokens) return xml;
  const lines: string[] = [];
  const stack: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const pad = indent.repeat(stack.length);
    if (tok.kind === 'open') {
      // <a>text or CDATA</a> stays on one line.
      let j = i + 1;
      let inline = '';
      while (j < tokens.length && (tokens[j]!.kind === 'text' || tokens[j]!.kind === 'cdata')) inline += tokens[j++]!.text;
      const next = tokens[j];
      if (next && next.kind === 'close' && tagName(next.text) === tagName(tok.text)) {
        lines.push(pad + tok.text + inline + next.text);
        i = j;
        continue;
      }
      lines.push(pad + tok.text);
      stack.push(tagName(tok.text));
    } else if (tok.kind === 'close') {
      if (stack.pop() !== tagName(tok.text)) return xml;
      lines.push(indent.repeat(stack.length) + tok.text);
    } else if (tok.kind === 'text') {
      if (tok.text.trim() !== '') lines.push(pad + tok.text.trim());
    } else {
      lines.push(pad + tok.text);
    }
  }
  return stack.length === 0 ? lines.join('\n') : xml;
}

/** Pretty-print JSON or XML, whichever the text is. */
export function prettyPayload(text: string | null): string {
  if (text === null) return '';
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return text;
    }
  }
  return prettyXml(text);
}
