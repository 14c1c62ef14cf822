import { type Context, type Emitter, type Liquid, type Parser, Tag, type TagToken, type Template, type TopLevelToken } from "liquidjs";

/** The last output of an `ifchanged` block, per render (Ruby keeps it in context.registers[:ifchanged]). */
const lastOutput = new WeakMap<Context, string>();

/**
 * Ruby Liquid's `{% ifchanged %}…{% endifchanged %}`, which liquidjs lacks:
 * prints its block only when the output differs from the last time any
 * ifchanged block in this render printed.
 */
class IfChangedTag extends Tag {
  private readonly templates: Template[] = [];

  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid, parser: Parser) {
    super(token, remainTokens, liquid);
    while (remainTokens.length) {
      const next = remainTokens.shift()!;
      if ("name" in next && next.name === "endifchanged") return;
      this.templates.push(parser.parseToken(next, remainTokens));
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }

  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, string> {
    const output = yield this.liquid.renderer.renderTemplates(this.templates, ctx);
    if (lastOutput.get(ctx) === output) return;
    lastOutput.set(ctx, output);
    emitter.write(output);
  }

  *children(): Generator<unknown, Template[]> {
    return this.templates;
  }
}

/** Registers the Ruby tags liquidjs does not have. */
export function registerRubyTags(engine: Liquid): void {
  engine.registerTag("ifchanged", IfChangedTag);
}
