import type { CoreContext } from "./context.js";
import type { Router } from "./router.js";
import type { JsonObject, ValidationError } from "./types.js";

/**
 * One emulated Concur API (a folder under src/emulator). Adding an API = a folder exporting one of these plus one
 * line in index.ts's API list.
 */
export interface EmulatedApi<I extends ApiInstance = ApiInstance> {
  /** Short name for logs and docs, e.g. "accounting-v4". */
  readonly name: string;
  /** OAuth scopes the API's operations check; default company tokens carry every installed API's scopes. */
  readonly scopes: readonly string[];
  /** Builds the API's state on the shared core and adds its Concur and admin routes. */
  install(core: CoreContext, router: Router): I;
}

/** What an installed API hands back to the composition root. */
export interface ApiInstance {
  /** Back to the start state: options, seed data (admin reset; runs after the core reset, clock at zero offset). */
  reset(): void;
  /** Cancels the API's own work (queues); timers are closed by the core. */
  stop?(): void | Promise<void>;
  /** Keys of GET/PUT /_emulator/config this API owns. */
  config?: ConfigSection;
}

/** A slice of the admin config: PUT validates every section before applying any. */
export interface ConfigSection {
  view(): Record<string, unknown>;
  /** Problems with the keys this section owns (other keys are ignored). */
  validate(body: JsonObject): ValidationError[];
  apply(body: JsonObject): void;
}
