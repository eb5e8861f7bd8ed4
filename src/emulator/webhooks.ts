/** Kept at this path for callers that import the ESS signer directly (bench/subs.ts); prefer `./index.js`. */
export { signBody } from "./core/webhooks.js";
