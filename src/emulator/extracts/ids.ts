import { createHash } from "node:crypto";

/**
 * Encrypted-looking ids as the docs print them (e.g. `nYoPK$pZmcowMRUqcl5bnDAwwsMydyt$xd`): opaque, letters and
 * digits with `$` inside. Deterministic per seed string so the demo's ids are stable across restarts.
 */
export function encryptedId(seed: string): string {
  const raw = createHash("sha256").update(seed).digest("base64").replace(/[+/=]/g, "");
  // Always at least two `$` (at fixed places), so clients must percent-encode them in paths.
  return `${raw.slice(0, 5)}$${raw.slice(5, 22)}$${raw.slice(22, 30)}`;
}
