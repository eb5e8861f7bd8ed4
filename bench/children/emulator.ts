// Bench child: the Concur emulator (demo seed) in its own process, so it never shares an event loop
// with the gateway, the proxy or the load generator. Prints one JSON line when listening.
// Env: BENCH_PAGE_BYTES (default 1_000_000), BENCH_PRIVATE_KEY_PEM (signs webhooks; generated when unset),
// BENCH_PROCESSING_DELAY_MS (default 50).
import { createEmulator, DEMO } from "../../src/emulator/index.js";

const pageBytes = Number(process.env.BENCH_PAGE_BYTES ?? 1_000_000);
const emulator = await createEmulator({
  port: 0,
  seed: "demo",
  pageBytes,
  processingDelayMs: Number(process.env.BENCH_PROCESSING_DELAY_MS ?? 50),
  privateKeyPem: process.env.BENCH_PRIVATE_KEY_PEM || undefined,
});
const ready = {
  url: emulator.url,
  token: emulator.issueToken(DEMO.companyId),
  companyId: DEMO.companyId,
  erpId: DEMO.erpId,
  publicKeyPem: emulator.publicKeyPem,
  pageBytes,
};
process.stdout.write(`BENCH_READY ${JSON.stringify(ready)}\n`);

const stop = () => void emulator.stop().finally(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
