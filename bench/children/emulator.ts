// Bench child: the Concur emulator (demo seed) in its own process, so it never shares an event loop
// with the gateway, the proxy or the load generator. Prints one JSON line when listening.
// Env: BENCH_PAGE_BYTES (default 1_000_000), BENCH_PRIVATE_KEY_PEM (signs webhooks; generated when unset),
// BENCH_PROCESSING_DELAY_MS (default 50).
// Distinct callers: besides the tokens it mints, this bench emulator accepts any bearer token that starts with
// `bench_` as a token of the demo company with the demo token's scopes, so a load can send every request with a token
// of its own (nothing can be shared between requests) without minting one per request. Bench only: the emulator
// itself (src/emulator) accepts only tokens it minted.
import { TokenService } from "../../src/emulator/core/auth.js";
import { createEmulator, DEMO } from "../../src/emulator/index.js";

/** Prefix of the tokens every request of a "distinct callers" load makes up (bench/lib/distinct.ts). */
const ANY_TOKEN = /^Bearer\s+bench_\S+\s*$/i;

const pageBytes = Number(process.env.BENCH_PAGE_BYTES ?? 1_000_000);
const emulator = await createEmulator({
  port: 0,
  seed: "demo",
  pageBytes,
  processingDelayMs: Number(process.env.BENCH_PROCESSING_DELAY_MS ?? 50),
  privateKeyPem: process.env.BENCH_PRIVATE_KEY_PEM || undefined,
});
const demoToken = emulator.issueToken(DEMO.companyId);
const authenticate = TokenService.prototype.authenticate;
TokenService.prototype.authenticate = function (this: TokenService, authorization: string | undefined) {
  return authenticate.call(this, authorization !== undefined && ANY_TOKEN.test(authorization) ? `Bearer ${demoToken}` : authorization);
};
const ready = {
  url: emulator.url,
  token: demoToken,
  companyId: DEMO.companyId,
  erpId: DEMO.erpId,
  publicKeyPem: emulator.publicKeyPem,
  pageBytes,
  dataCenters: emulator.dataCenters,
  tokenUrl: emulator.tokenUrl,
};
process.stdout.write(`BENCH_READY ${JSON.stringify(ready)}\n`);

const stop = () => void emulator.stop().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
