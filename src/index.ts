// Process entry: config from the environment -> (embedded emulator) -> gateway; graceful stop on signals.
import { ConfigError, loadConfig, type ResolvedGatewayConfig } from "./config.js";
import { createGateway, type Gateway } from "./gateway.js";
import { exampleQuery } from "./http/example-query.js";
import { startTracing } from "./observability/tracing.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }

  // Once per process, before anything calls Concur; off (nothing loaded) unless an OTLP endpoint is configured.
  const tracing = await startTracing(config.tracing);
  let gateway: Gateway;
  let stop: () => Promise<void>;
  let banner: string[] = [];
  if (!config.concurBaseUrl) {
    // Loaded only here: a gateway in front of the real Concur never loads the emulator.
    const { startEmbeddedStack } = await import("./embedded.js");
    const embedded = await startEmbeddedStack({
      config,
      tracing,
      graphiql: ({ companyId, erpId, token }) => ({ headers: { Authorization: `Bearer ${token}` }, query: exampleQuery(companyId, erpId) }),
    });
    const { companyId, erpId, token } = embedded.demo;
    gateway = embedded.gateway;
    stop = embedded.stop;
    const managed = embedded.config.managed !== undefined;
    banner = [
      `Embedded Concur emulator: ${embedded.emulator.url} (demo data; set CONCUR_BASE_URL to use the real Concur)`,
      `Demo company id: ${companyId}${managed ? ` (connected through Quick Connect; second company ${embedded.demo.secondCompanyId} in data center ${embedded.emulator.dataCenters[1]?.name ?? "?"})` : ""}`,
      `Demo ERP id:     ${erpId}`,
      managed
        ? `Bearer token:    ${token}   (the gateway's demo API key, admin of the demo companies; send it as Authorization: Bearer …)`
        : `Bearer token:    ${token}`,
    ];
  } else {
    const started = await createGateway({ config: config as ResolvedGatewayConfig, graphiql: {}, tracing });
    await started.start();
    gateway = started;
    stop = () => started.stop();
  }
  // The spans still buffered are exported after the gateway stopped.
  announce(gateway.url, banner, async () => {
    await stop();
    await tracing.shutdown().catch((error: unknown) => console.error("exporting the last traces failed:", error instanceof Error ? error.message : error));
  });
}

function announce(url: string, banner: string[], stopAll: () => Promise<void>): void {
  console.log(["", `concur-graph is ready.`, `GraphiQL: ${url} (open in a browser)`, ...banner, ""].join("\n"));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing queued writes, then stopping…`);
    await stopAll();
    console.log("concur-graph stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  // Settings checked while building services (encryption keys, DATABASE_URL) fail like the ones loadConfig checks.
  if (error instanceof ConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  console.error("concur-graph failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
