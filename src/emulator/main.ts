/** Standalone emulator: `npm run emulator` (the only emulator file that reads process.env). */
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET } from "./index.js";

const port = Number(process.env.EMULATOR_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be an integer port number (0-65535), got '${process.env.EMULATOR_PORT}'`);
  process.exit(1);
}
// A fixed primary port puts the second data center and GLZ on the next two ports; port 0 picks free ports for all.
const next = (n: number) => (port === 0 ? 0 : port + n);

const emulator = await createEmulator({
  port,
  host: process.env.EMULATOR_HOST ?? "127.0.0.1",
  seed: "demo",
  dataCenters: [{ name: "us2", port }, { name: "eu2", port: next(1) }],
  glzPort: next(2),
});
const token = emulator.issueToken(DEMO.companyId);
const requestToken = emulator.issueRequestToken(DEMO.companyId);
console.log(`Concur emulator listening on ${emulator.url}`);
for (const dc of emulator.dataCenters) console.log(`  Data center:  ${dc.name.padEnd(5)} ${dc.url}`);
console.log(`  GLZ (tokens): ${emulator.tokenUrl}/oauth2/v0/token`);
console.log(`  Concur API:   ${emulator.url}/accountingintegration/v4/companies/${DEMO.companyId}/erps`);
console.log(`  Admin API:    ${emulator.url}/_emulator/counters`);
console.log(`  Company id:   ${DEMO.companyId}  (second company ${DEMO.secondCompanyId} lives in ${emulator.dataCenters[1]?.name})`);
console.log(`  ERP id:       ${DEMO.erpId}`);
console.log(`  Bearer token: ${token}   (read + write scopes, never expires)`);
console.log(`  Partner app:  client_id ${EMULATOR_CLIENT_ID} client_secret ${EMULATOR_CLIENT_SECRET}`);
console.log(`  Request token for the demo company (24 h): ${requestToken.requestToken}`);

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
