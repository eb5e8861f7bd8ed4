// Process entry: config from the environment -> (embedded emulator) -> gateway; graceful stop on signals.
import { ConfigError, loadConfig, type ResolvedGatewayConfig } from "./config.js";
import { describeDatabase, parseDatabaseUrl } from "./connections/store/database.js";
import { createGateway, type Gateway } from "./gateway.js";
import { exampleQuery } from "./http/example-query.js";
import { createLogger, endLogs, prettyLogs, type Logger } from "./logger.js";
import { startTracing } from "./observability/tracing.js";

/** What the start announces: fields of the JSON "ready" record, lines of the human banner. */
interface Announcement {
  fields: Record<string, unknown>;
  lines: string[];
  /** Lines only a person at a terminal sees (the demo key's secret). */
  secretLines: string[];
}

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
  // One logger for the process: with JSON logs every line on stdout is a JSON record, the banner included.
  const pretty = prettyLogs(config);
  const logger = createLogger(config.logLevel, { pretty });

  // Once per process, before anything calls Concur; off (nothing loaded) unless an OTLP endpoint is configured.
  const tracing = await startTracing({ ...config.tracing, logger });
  let gateway: Gateway;
  let stop: () => Promise<void>;
  const announcement: Announcement = { fields: {}, lines: [], secretLines: [] };
  if (!config.concurBaseUrl) {
    // Loaded only here: a gateway in front of the real Concur never loads the emulator.
    const { demoStore, startEmbeddedStack } = await import("./embedded.js");
    const store = await demoStore(config);
    const embedded = await startEmbeddedStack({
      config,
      tracing,
      logger,
      managed: store && { ...store, replaceEarlierDemoKeys: true },
      graphiql: ({ companyId, erpId, token }) => ({ headers: { Authorization: `Bearer ${token}` }, query: exampleQuery(companyId, erpId) }),
    });
    const { companyId, erpId, token, keyId, secondCompanyId, standardCompanyId } = embedded.demo;
    gateway = embedded.gateway;
    stop = embedded.stop;
    const managed = embedded.config.managed;
    const secondDataCenter = embedded.emulator.dataCenters[1]?.name ?? "?";
    announcement.fields = { emulator: embedded.emulator.url, demoCompanyId: companyId, demoErpId: erpId, ...(managed ? { secondCompanyId, standardCompanyId, demoApiKeyId: keyId, databaseUrl: describeDatabase(parseDatabaseUrl(managed.databaseUrl)) } : {}) };
    announcement.lines = [
      `Embedded Concur emulator: ${embedded.emulator.url} (demo data; set CONCUR_BASE_URL to use the real Concur)`,
      `Demo company id: ${companyId}${managed ? ` (connected through Quick Connect; second company ${secondCompanyId} in data center ${secondDataCenter})` : ""}`,
      ...(managed ? [`Standard company: ${standardCompanyId} (Standard edition, connected too: payment batches, docs/posting-by-file.md)`] : []),
      `Demo ERP id:     ${erpId}`,
    ];
    if (managed) {
      // The CLI finds this store by default when run from the same directory; the exact URL for any other place.
      announcement.lines.push(`Store:           DATABASE_URL=${describeDatabase(parseDatabaseUrl(managed.databaseUrl))}   (npm run cli -- keys list / keys create … manage its keys)`);
      announcement.secretLines.push(`Bearer token:    ${token}   (the gateway's demo API key ${keyId}, admin of the demo companies; send it as Authorization: Bearer …)`);
    } else {
      announcement.secretLines.push(`Bearer token:    ${token}`);
    }
  } else {
    const started = await createGateway({ config: config as ResolvedGatewayConfig, graphiql: {}, tracing, logger });
    await started.start();
    gateway = started;
    stop = () => started.stop();
  }
  // The spans still buffered are exported (within a bound) after the gateway stopped.
  announce(logger, pretty, gateway.url, announcement, async () => {
    await stop();
    await tracing.shutdown();
  });
}

/**
 * The start banner and the stop lines. JSON logs: records on stdout (never a secret); the human banner, with the demo
 * key's secret, goes to stderr only when that is a terminal. Readable logs: the banner on stdout, the secret only when
 * stdout is a terminal (a file or pipe gets the key id, never the key).
 */
function announce(logger: Logger, pretty: boolean, url: string, announcement: Announcement, stopAll: () => Promise<void>): void {
  // Written whatever LOG_LEVEL is (short of silent): tools and people wait for these lines.
  const lifecycle = logger.level === "silent" ? logger : logger.child({}, { level: "info" });
  const graphiql = `GraphiQL: ${url} (open in a browser)`;
  const consoleUrl = new URL("/console/", url).toString();
  const consoleLine = `Console:  ${consoleUrl} (operator console; sign in with an API key)`;
  const human = (secret: boolean) => ["", "concur-graph is ready.", graphiql, consoleLine, ...announcement.lines, ...(secret ? announcement.secretLines : []), ""].join("\n") + "\n";
  if (pretty) {
    const terminal = process.stdout.isTTY === true;
    process.stdout.write(human(terminal));
    if (!terminal && announcement.secretLines.length > 0) process.stdout.write("(The demo key's secret is shown only on a terminal; create another with npm run cli -- keys create.)\n\n");
  } else {
    lifecycle.info({ graphiql: url, console: consoleUrl, ...announcement.fields }, `concur-graph is ready. ${graphiql}`);
    if (process.stderr.isTTY === true) process.stderr.write(human(true));
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    lifecycle.info({ signal }, `${signal}: finishing queued writes, then stopping…`);
    await stopAll();
    lifecycle.info("concur-graph stopped.");
    // pino writes asynchronously: the last lines must reach stdout before the process ends.
    await endLogs(logger);
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
