/**
 * A small HTML well-formedness checker for the renderer tests (and adapters' tests): only
 * allowed tags and attributes, balanced nesting, every `&` starting a known entity, no raw
 * `<` or `>` in text. Not a sanitiser: it only reports.
 */

/** The tags and attributes a target accepts. */
export interface HtmlRules {
  /** Allowed tags, each with its allowed attributes and a check of their values. */
  readonly tags: Readonly<Record<string, Readonly<Record<string, (value: string) => boolean>>>>;
  /** Tags that never close (`br`, `hr`). */
  readonly voidTags?: readonly string[];
  /** Which tags may appear inside which: parent → allowed children (absent: any). */
  readonly children?: Readonly<Record<string, readonly string[]>>;
}

const safeHrefValue = (v: string): boolean => /^(https?:\/\/|mailto:)[^\s"'<>]*$/i.test(v);
const languageClass = (v: string): boolean => /^language-[A-Za-z0-9_+#.-]+$/.test(v);

/** The Matrix spec's suggested tag list (Element's without `font`, `nl`, `strike`). */
export const MATRIX_HTML_RULES: HtmlRules = {
  tags: {
    ...Object.fromEntries(
      'del h1 h2 h3 h4 h5 h6 blockquote p ul sup sub li b i u strong em hr br div table thead caption tbody tr th td pre span details summary'
        .split(' ')
        .map((t) => [t, {}]),
    ),
    a: { href: safeHrefValue },
    ol: { start: (v) => /^\d+$/.test(v) },
    code: { class: languageClass },
  },
  voidTags: ['br', 'hr'],
};

/** Telegram's `parse_mode: "HTML"` tags (the ones our renderer may use). */
export const TELEGRAM_HTML_RULES: HtmlRules = {
  tags: {
    b: {},
    i: {},
    u: {},
    s: {},
    pre: {},
    blockquote: {},
    a: { href: safeHrefValue },
    code: { class: languageClass },
  },
  children: { pre: ['code'], code: [], a: ['b', 'i', 'u', 's'] },
};

const ENTITY = /^&(?:amp|lt|gt|quot|#39);/;
const TAG = /^<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*(\/?)>/;
const ATTR = /\s+([a-z-]+)="([^"<>]*)"/g;

/** Problems found in `html` (empty when it is well formed under `rules`). */
export function checkHtml(html: string, rules: HtmlRules): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const checkEntities = (text: string, where: string): void => {
    for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
      if (!ENTITY.test(text.slice(i, i + 8))) problems.push(`bare & in ${where} at ${text.slice(i, i + 12)}`);
    }
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const text = html.slice(i, lt < 0 ? html.length : lt);
    if (text.includes('>')) problems.push(`raw > in text: ${text.slice(0, 40)}`);
    checkEntities(text, 'text');
    if (lt < 0) break;
    const match = TAG.exec(html.slice(lt, lt + 400));
    if (match === null) {
      problems.push(`raw < at ${html.slice(lt, lt + 30)}`);
      i = lt + 1;
      continue;
    }
    const [whole, closing, name = '', attrs = ''] = match;
    i = lt + whole.length;
    const allowed = rules.tags[name];
    if (allowed === undefined) {
      problems.push(`tag <${name}> not allowed`);
      continue;
    }
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    for (const [, attr = '', value = ''] of attrs.matchAll(ATTR)) {
      const check = allowed[attr];
      if (check === undefined) problems.push(`attribute ${attr} on <${name}> not allowed`);
      else if (!check(value)) problems.push(`bad ${attr}="${value}" on <${name}>`);
      checkEntities(value, `${name}[${attr}]`);
    }
    const parent = stack[stack.length - 1];
    const permitted = parent === undefined ? undefined : rules.children?.[parent];
    if (permitted !== undefined && !permitted.includes(name)) problems.push(`<${name}> inside <${parent}>`);
    if (!rules.voidTags?.includes(name)) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.map((t) => `<${t}>`).join('')}`);
  return problems;
}
