/**
 * Customer.io runs Ruby Liquid in lax mode, and its own Zendesk recipe has
 * `{{customer.firstName"}}`: a stray quote inside an output tag. Ruby's
 * tokenizer ends an output at the first `}}` regardless of quotes, and its
 * lax variable parser takes the first well-formed expression it finds, so
 * Ruby prints the first name. liquidjs treats the quote as opening a string
 * that runs to the next quote, up to a later output (or is never closed).
 *
 * liquid.ts applies this before parsing (a quote inside an output never
 * reaches past its first `}}`, as in Ruby), replacing each `{{ … }}` whose
 * quotes do not pair up with itself stripped of the unpaired quote — what Ruby in effect
 * does with it. Anything still broken reports the original error.
 */
export function withoutStrayQuotes(source: string): string | undefined {
  let changed = false;
  const repaired = source.replace(/\{\{(?!\{)([\s\S]*?)\}\}/g, (whole, markup: string) => {
    const fixed = dropUnpairedQuotes(markup);
    if (fixed === markup) return whole;
    changed = true;
    return `{{${fixed}}}`;
  });
  return changed ? repaired : undefined;
}

/** Removes each quote that opens a string never closed before the end of the markup. */
function dropUnpairedQuotes(markup: string): string {
  let text = markup;
  for (;;) {
    const open = unclosedQuoteAt(text);
    if (open === -1) return text;
    text = text.slice(0, open) + text.slice(open + 1);
  }
}

function unclosedQuoteAt(text: string): number {
  let quote = "";
  let openedAt = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === quote) quote = "";
    } else if (char === '"' || char === "'") {
      quote = char;
      openedAt = i;
    }
  }
  return quote ? openedAt : -1;
}
