// "Distinct callers": every request of a load carries a bearer token of its own, so nothing the gateway keeps per
// caller (cached pages, reusable answers, in-flight reads) can serve another request. The bench emulator
// (bench/children/emulator.ts) accepts any `bench_…` token as a token of its demo company.

/** The two forms every reads and big-page row is measured in. */
export type CallerForm = "shared" | "distinct";

export const CALLER_FORMS: readonly CallerForm[] = ["shared", "distinct"];

let loads = 0;

/**
 * A token source for one load: `shared` always returns `token`; `distinct` a new token per request index, never
 * reused across loads of this bench process (a gateway that served an earlier load must not find its pages).
 */
export function tokensFor(form: CallerForm, token: string): (i: number) => string {
  if (form === "shared") return () => token;
  const tag = `bench_${process.pid.toString(36)}${(++loads).toString(36)}_`;
  return (i) => tag + i.toString(36);
}

export const describeForm = (form: CallerForm) => (form === "shared" ? "one token" : "a token per request");
