import { toValue, type Context, type Emitter, type Liquid } from "liquidjs";
import type { OutputLimit } from "./render-limits";

/**
 * Thrown when a field's output grows past its limit. liquid.ts turns it into
 * a 413 naming the field; it is its own class so that it is told apart from
 * render errors however deep in the template it was thrown.
 */
export class OutputLimitError extends Error {
  constructor(readonly limit: OutputLimit) {
    super(`renders to more than ${limit.bytes} bytes, the limit for ${limit.kind}`);
    this.name = "OutputLimitError";
  }
}

/**
 * liquidjs's SimpleEmitter with a meter that sees each piece before it is
 * appended, so a limit stops the render while the output grows instead of
 * after a 270 MB string has been built.
 */
class MeteredEmitter implements Emitter {
  buffer = "";

  constructor(private readonly meter: (text: string) => void) {}

  write(html: unknown): void {
    const text = stringify(html);
    this.meter(text);
    this.buffer += text;
  }
}

/** The emitter a field renders into: it throws OutputLimitError once the output passes `limit` bytes of UTF-8. */
export function fieldOutput(limit: OutputLimit): Emitter {
  let bytes = 0;
  return new MeteredEmitter((text) => {
    bytes += utf8Length(text);
    if (bytes > limit.bytes) throw new OutputLimitError(limit);
  });
}

/**
 * Makes every output liquidjs collects for itself (`{% capture %}`, the one
 * built-in tag that renders into a string of its own) count against the
 * render's memoryLimit. liquidjs counts what filters build but not captures,
 * so a capture that doubles itself in a loop would otherwise grow unbounded.
 */
export function meterInternalOutput(engine: Liquid): void {
  const renderer = engine.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = (templates, ctx, emitter) => renderTemplates(templates, ctx, emitter ?? chargedOutput(ctx));
}

function chargedOutput(ctx: Context): Emitter {
  return new MeteredEmitter((text) => ctx.memoryLimit.use(text.length));
}

/** What SimpleEmitter writes for a value: Drops by value, nil as "", arrays joined. */
function stringify(value: unknown): string {
  const plain = toValue(value);
  if (typeof plain === "string") return plain;
  if (plain === null || plain === undefined) return "";
  if (Array.isArray(plain)) return plain.map(stringify).join("");
  return String(plain);
}

/** The UTF-8 length of a string without encoding it (a lone surrogate becomes U+FFFD, 3 bytes, as TextEncoder does). */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2; // two UTF-16 units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
