// Process entry: config from the environment -> (embedded emulator) -> gateway; graceful stop on signals.
import { ConfigError, loadConfig, type ResolvedGatewayConfig } from "./config.js";
import { createGateway, type Gateway } from "./gateway.js";
import { exampleQuery } from "./server/example-query.js";

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

  const stops: Array<() => Promise<void>> = [];
  let resolved = config as ResolvedGatewayConfig;
  let banner: string[] = [];
  let graphiql = {};
  let afterStart = (_gateway: Gateway) => {};
  if (!config.concurBaseUrl) {
    const { startEmbeddedUpstream } = await import("./embedded.js");
    const embedded = await startEmbeddedUpstream(config);
    const { companyId, erpId, token } = embedded.demo;
    resolved = embedded.config;
    stops.push(() => embedded.emulator.stop());
    graphiql = { headers: { Authorization: `Bearer ${token}` }, query: exampleQuery(companyId, erpId) };
    banner = [
      `Embedded Concur emulator: ${embedded.emulator.url} (demo data; set CONCUR_BASE_URL to use the real Concur)`,
      `Demo company id: ${companyId}`,
      `Demo ERP id:     ${erpId}`,
      `Bearer token:    ${token}`,
    ];
    // ESS delivers the emulator's signed events to the gateway's own webhook endpoint.
    afterStart = (gateway) => embedded.emulator.setWebhookUrls([`${gateway.origin}${resolved.webhook.path}`]);
  }
  const gateway = await createGateway({ config: resolved, graphiql });
  await gateway.start();
  afterStart(gateway);
  stops.unshift(() => gateway.stop());
  announce(gateway.url, banner, stops);
}

function announce(url: string, banner: string[], stops: Array<() => Promise<void>>): void {
  console.log(["", `concur-graph is ready.`, `GraphiQL: ${url} (open in a browser)`, ...banner, ""].join("\n"));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing queued writes, then stopping…`);
    for (const fn of stops) await fn();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  console.error("concur-graph failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
