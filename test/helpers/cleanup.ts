// One cleanup registry for everything a test starts (servers, stacks, clients, child processes).
// Helpers register the close of what they start; test/helpers/setup.ts drains the registry after each test (what
// the test itself started) and after each file (what its beforeAll hooks started), so a failing test or hook never
// leaves a server behind. A close that ran already (the test stopped its server itself) is not run again.

type Close = () => unknown;

interface Entry {
  what: string;
  close: Close;
  /** "test": registered while a test (or its beforeEach/afterEach) ran; "file": in beforeAll or at import. */
  scope: "test" | "file";
}

const entries: Entry[] = [];
let inTest = false;

/**
 * Registers `close` and returns it wrapped: the wrapper runs `close` at most once and unregisters it, so use
 * the wrapper as the resource's own `stop()`. `what` names the resource in errors.
 */
export function registerCleanup(what: string, close: Close): () => Promise<void> {
  let done: Promise<void> | undefined;
  const run = (): Promise<void> => {
    done ??= (async () => {
      const index = entries.indexOf(entry);
      if (index >= 0) entries.splice(index, 1);
      await close();
    })();
    return done;
  };
  const entry: Entry = { what, scope: inTest ? "test" : "file", close: run };
  entries.push(entry);
  return run;
}

/** Runs the registered closes, newest first (a gateway before the emulator it talks to); throws once with every failure. */
export async function drainCleanups(scope: "test" | "file" = "file"): Promise<void> {
  const failures: unknown[] = [];
  for (const entry of [...entries].reverse()) {
    if (scope === "test" && entry.scope !== "test") continue;
    try {
      await entry.close();
    } catch (error) {
      failures.push(new Error(`cleanup of ${entry.what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} cleanups failed`);
}

/** How many closes are still registered (tests of the registry itself, and leak checks). */
export function pendingCleanups(): number {
  return entries.length;
}

/** Called by test/helpers/setup.ts around every test. */
export function markTestScope(running: boolean): void {
  inTest = running;
}
