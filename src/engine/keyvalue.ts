/** ENV and LABEL arguments as Docker reads them: `KEY=value` pairs, quotes and escapes. */

/**
 * `KEY=value KEY2="v 2"` pairs (quotes and backslashes as Docker reads them), or the legacy
 * `KEY value` form when `legacy` and the first word has no `=`.
 */
export function keyValues(text: string, legacy: boolean): { key: string; value: string | undefined }[] {
  const words = shellWords(text);
  const first = words[0];
  if (legacy && first !== undefined && !first.raw.includes("=")) {
    const rest = text.slice(text.indexOf(first.raw) + first.raw.length).trim();
    return [
      {
        key: first.value,
        value: shellWords(rest)
          .map((w) => w.value)
          .join(" "),
      },
    ];
  }
  return words.map((w) => {
    const eq = w.value.indexOf("=");
    return eq === -1 ? { key: w.value, value: undefined } : { key: w.value.slice(0, eq), value: w.value.slice(eq + 1) };
  });
}

/**
 * Docker's rule for ENV and LABEL: in the `KEY=value` form every word is a pair (BuildKit fails the
 * build with "can't find = in ..."). The problem as text, or undefined when there is none.
 */
export function keyValueProblem(text: string): string | undefined {
  const words = shellWords(text);
  if (words.length === 0 || !words[0]!.raw.includes("=")) return undefined;
  const bad = words.find((w) => !w.value.includes("=") || w.value.startsWith("="));
  return bad && `\`${bad.raw}\` is not of the form name=value`;
}

/** Whitespace-separated words, quotes removed, backslash escapes applied (outside single quotes). */
function shellWords(text: string): { raw: string; value: string }[] {
  const out: { raw: string; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let value = "";
    let quote: string | undefined;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === "\\" && quote === '"' && i + 1 < text.length) value += text[++i];
        else value += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "\\" && i + 1 < text.length) value += text[++i];
      else if (/\s/.test(c)) break;
      else value += c;
    }
    out.push({ raw: text.slice(start, i), value });
  }
  return out;
}
