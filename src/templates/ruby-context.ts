import { Context, type Liquid } from "liquidjs";
import { isHash } from "./ruby-inspect";
import { rubySize } from "./ruby-size";

type Limiter = Context["renderLimit"];

/**
 * liquidjs's renderLimit compares performance.now() with a deadline, but on
 * deployed Workers the clock stands still while JavaScript runs (it moves
 * only on I/O, a Spectre mitigation), so a runaway loop would never trip it.
 * This limiter also counts rendered nodes: liquidjs checks it before every
 * node, loop bodies included. The deadline still applies wherever the clock
 * moves (local workerd, Node, benchmarks).
 */
class RenderBudget {
  private steps = 0;
  private readonly deadline: number;

  constructor(
    private readonly milliseconds: number,
    private readonly maxSteps: number,
  ) {
    this.deadline = now() + milliseconds;
  }

  check(): void {
    this.steps++;
    if (this.steps > this.maxSteps) throw new Error(`renderLimit exceeded: more than ${this.maxSteps} template steps`);
    // Reading the clock costs more than counting, so look only now and then.
    if (this.steps % 1024 === 0 && now() > this.deadline) throw new Error(`renderLimit exceeded: render took longer than ${this.milliseconds} ms`);
  }

  use(): void {}
}

const now = () => performance.now();

/**
 * The render context, reading properties as Ruby Liquid does where liquidjs
 * differs: `"😀a".size` is 2 (characters, not UTF-16 units), an Integer's
 * `.size` is 8 and a Float has none, and a hash without a "first" key answers
 * `.first` with its first [key, value] pair (Hash#first). liquidjs has
 * no hook for property reads, so this subclass is the extension point; it is
 * handed to renderSync in place of the plain scope.
 */
export class RubyContext extends Context {
  constructor(scope: object, engine: Liquid, limits: { renderMilliseconds: number; renderSteps: number }) {
    const renderLimit = new RenderBudget(limits.renderMilliseconds, limits.renderSteps) as unknown as Limiter;
    super(scope, engine.options, { sync: true }, { liquid: engine, renderLimit });
  }

  override readProperty(obj: unknown, key: unknown): unknown {
    if (key === "size" && typeof obj === "string") return rubySize(obj);
    if (key === "size" && typeof obj === "number") return Number.isInteger(obj) ? rubySize(obj) : undefined;
    if (key === "first" && isHash(obj) && !Object.hasOwn(obj, "first")) return Object.entries(obj)[0];
    return super.readProperty(obj as never, key as never);
  }
}
