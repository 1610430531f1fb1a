// A strict little checker for the generated report.html: balanced tags, quoted attributes, escaped
// text. Not a general HTML parser: it accepts exactly the subset the report writer emits.

const voidElements = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);
const token = /<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#39);)/g;

export interface HtmlCheck {
  readonly problems: string[];
  /** Element names with how often each occurs. */
  readonly counts: Map<string, number>;
  /** Every attribute value, for checks that nothing points outside the page. */
  readonly attributes: string[];
}

export function checkHtml(html: string): HtmlCheck {
  const problems: string[] = [];
  const counts = new Map<string, number>();
  const attributes: string[] = [];
  const stack: string[] = [];
  for (const m of html.matchAll(token)) {
    const [whole, closing, name, attrs, selfClosing] = m;
    if (whole === '<') {
      problems.push(`stray or malformed tag at ${m.index}: ${html.slice(m.index, m.index + 40)}`);
      continue;
    }
    if (whole.startsWith('&')) {
      problems.push(`unescaped & at ${m.index}: ${html.slice(m.index, m.index + 20)}`);
      continue;
    }
    if (name === undefined) continue; // comment or doctype
    const tag = name.toLowerCase();
    for (const a of (attrs ?? '').matchAll(/="([^"]*)"/g)) attributes.push(a[1]!);
    if (closing) {
      const open = stack.pop();
      if (open !== tag) problems.push(`</${tag}> closes <${open ?? 'nothing'}> at ${m.index}`);
      continue;
    }
    counts.set(tag, (counts.get(tag) ?? 0) + 1);
    if (!selfClosing && !voidElements.has(tag)) stack.push(tag);
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return { problems, counts, attributes };
}
