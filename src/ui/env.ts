import type { Bindings } from "../env";
import type { Session } from "./session";

/** The dashboard's Hono env: the Worker's bindings, and the signed-in session with its CSRF token. */
export type UiEnv = {
  Bindings: Bindings;
  Variables: { session: Session; csrf: string };
};
