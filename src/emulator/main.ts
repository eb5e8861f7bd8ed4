/** Standalone emulator: `npm run emulator` (the only emulator file that reads process.env). */
import { createEmulator, DEMO } from "./index.js";

const port = Number(process.env.EMULATOR_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be an integer port number (0-65535), got '${process.env.EMULATOR_PORT}'`);
  process.exit(1);
}

const emulator = await createEmulator({ port, host: process.env.EMULATOR_HOST ?? "127.0.0.1", seed: "demo" });
const token = emulator.issueToken(DEMO.companyId);
console.log(`Concur emulator listening on ${emulator.url}`);
console.log(`  Concur API:   ${emulator.url}/accountingintegration/v4/companies/${DEMO.companyId}/erps`);
console.log(`  OAuth token:  POST ${emulator.url}/oauth2/v0/token`);
console.log(`  Admin API:    ${emulator.url}/_emulator/counters`);
console.log(`  Company id:   ${DEMO.companyId}`);
console.log(`  ERP id:       ${DEMO.erpId}`);
console.log(`  Bearer token: ${token}   (read + write scopes)`);

const shutdown = (signal: string) => {
  console.log(`\n${signal}: stopping emulator`);
  emulator.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.once("SIGINT", () => shutdown("SIGINT"));
process.once("SIGTERM", () => shutdown("SIGTERM"));
