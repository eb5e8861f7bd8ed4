// The one place the gateway side touches the emulator: `npm start` without CONCUR_BASE_URL (and the test stack,
// which starts exactly this wiring on free ports).
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { request } from "undici";
import { createEmulator, DEMO, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, FILES_DEMO, type EmulatorOptions, type RunningEmulator } from "./emulator/index.js";
import { ConfigError, type GatewayConfig, type ManagedModeConfig, type ResolvedGatewayConfig } from "./config.js";
import { parseDatabaseUrl } from "./connections/store/database.js";
import { createGateway, type Gateway } from "./gateway.js";
import type { GraphiQLDefaults } from "./http/graphiql.js";
import type { Logger } from "./logger.js";
import type { Tracing } from "./observability/tracing.js";

/**
 * The seeded demo company, its ERP and the bearer token a caller sends: in managed mode the gateway's demo API
 * key (admin of the demo companies, which are connected through the real Connect flow); in passthrough mode a
 * read + write Concur company token of the emulator.
 */
export interface DemoCompany {
  companyId: string;
  erpId: string;
  token: string;
  /** The second demo company (in the emulator's second data center), connected too in managed mode. */
  secondCompanyId: string;
  /**
   * The Standard-edition demo company (Payment Batches, docs/posting-by-file.md; no Accounting ERP), connected too in
   * managed mode.
   */
  standardCompanyId: string;
  /** Managed mode: the public id of the demo API key (`token` is its secret). */
  keyId?: string;
}

/** Name of the demo admin API key in the store. */
export const DEMO_KEY_NAME = "demo admin";

/** Options of {@link startEmbeddedStack}. */
export interface EmbeddedStackOptions {
  /** Configuration as `loadConfig` returns it; its `concurBaseUrl` is replaced by the emulator's URL. */
  config: Readonly<GatewayConfig>;
  /**
   * The emulator: options for a new one (merged over the default `{ port: config.emulatorPort, seed: "demo" }`),
   * or one already running (shared by several gateways; `stop()` then leaves it running). Default: a new one.
   */
  emulator?: EmulatorOptions | RunningEmulator;
  /** What GraphiQL opens with, from the demo company (`npm start` passes the token header and an example query). Default none. */
  graphiql?: (demo: DemoCompany) => GraphiQLDefaults | undefined;
  /** Subscribe the gateway's webhook URL to the emulator's ESS once the gateway listens. Default true. */
  webhooks?: boolean;
  /**
   * Managed mode: where connections are stored (default a throw-away SQLite file and key), whether to connect the demo
   * companies (default true), and whether the demo key replaces the ones earlier starts made on this store (revoked
   * once this gateway listens; default false; `npm start` on its lasting store sets it).
   */
  managed?: Partial<ManagedModeConfig> & { connectDemo?: boolean; replaceEarlierDemoKeys?: boolean };
  /** The gateway's logger (tests capture its lines). Default: a pino logger at `config.logLevel`. */
  logger?: Logger;
  /** This process's tracing (see `GatewayOptions.tracing`). Default off. */
  tracing?: Tracing;
}

/** A started emulator + gateway pair. */
export interface EmbeddedStack {
  emulator: RunningEmulator;
  gateway: Gateway;
  /** The configuration the gateway runs with: the emulator's URL and (unless configured) its webhook signing key. */
  config: ResolvedGatewayConfig;
  demo: DemoCompany;
  /** Stops the gateway gracefully (queued writes are sent), then the emulator unless it was passed in running. */
  stop(): Promise<void>;
}

const isRunning = (emulator: EmulatorOptions | RunningEmulator | undefined): emulator is RunningEmulator =>
  emulator !== undefined && typeof (emulator as Partial<RunningEmulator>).stop === "function";

/**
 * Points the config at the emulator: its URL, and its webhook signing key unless one is configured. In managed mode,
 * the emulator's partner app and GLZ host; the store is DATABASE_URL / CONNECTION_ENCRYPTION_KEYS when configured,
 * else a throw-away SQLite file and key (the emulator forgets its tokens at exit anyway).
 */
export function resolveForEmulator(config: Readonly<GatewayConfig>, emulator: RunningEmulator, store?: Partial<ManagedModeConfig>): ResolvedGatewayConfig {
  const managed: ManagedModeConfig | undefined =
    config.authMode === "managed"
      ? {
          clientId: EMULATOR_CLIENT_ID,
          clientSecret: EMULATOR_CLIENT_SECRET,
          tokenUrl: emulator.tokenUrl,
          connectPath: "/concur/connect",
          encryptionKeys: `demo:${randomBytes(32).toString("base64")}`,
          databaseUrl: `sqlite:${join(tmpdir(), `concur-graph-demo-${process.pid}-${randomBytes(4).toString("hex")}.db`)}`,
          ...config.managed,
          ...store,
        }
      : undefined;
  return Object.freeze({
    ...config,
    concurBaseUrl: emulator.url,
    managed,
    webhook: Object.freeze({ ...config.webhook, publicKeyPem: config.webhook.publicKeyPem ?? emulator.publicKeyPem }),
  });
}

/**
 * Connects a demo company the way a customer does: the emulator issues a request token (the App Center's part),
 * and the gateway's landing route exchanges it, called by an admin of the gateway.
 */
export async function connectThroughLanding(gateway: Gateway, config: ResolvedGatewayConfig, emulator: RunningEmulator, companyId: string, adminKey: string): Promise<void> {
  const { requestToken } = emulator.issueRequestToken(companyId);
  const url = new URL(config.managed!.connectPath, gateway.origin);
  url.search = new URLSearchParams({ id: companyId, requestToken, userId: "00000000-0000-4000-8000-00000000ad01" }).toString();
  const res = await request(url, { headers: { authorization: `Bearer ${adminKey}` } });
  const body = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`connecting demo company ${companyId} failed: HTTP ${res.statusCode} ${body}`);
}

/**
 * Starts the demo-seeded emulator (or takes a running one), a gateway in front of it, and subscribes the gateway's
 * webhook endpoint to the emulator's ESS, so the emulator's signed events reach the gateway as Concur's would.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const shared = isRunning(options.emulator) ? options.emulator : undefined;
  const emulator = shared ?? (await createEmulator({ port: options.config.emulatorPort, seed: "demo", ...(options.emulator as EmulatorOptions | undefined) }));
  try {
    const { connectDemo = true, replaceEarlierDemoKeys = false, ...store } = options.managed ?? {};
    const config = resolveForEmulator(options.config, emulator, store);
    const demo: DemoCompany = { companyId: DEMO.companyId, erpId: DEMO.erpId, token: "", secondCompanyId: DEMO.secondCompanyId, standardCompanyId: FILES_DEMO.standardCompanyId };
    const demoCompanies = [DEMO.companyId, DEMO.secondCompanyId, FILES_DEMO.standardCompanyId];
    let gateway: Gateway;
    if (config.managed) {
      // The demo key must exist before GraphiQL is pre-filled with it: the gateway is built, the key created, then started.
      gateway = await createGateway({ config, logger: options.logger, tracing: options.tracing });
      const apiKeys = gateway.services.apiKeys!;
      const created = await apiKeys.create({ name: DEMO_KEY_NAME, role: "admin", companies: demoCompanies });
      demo.token = created.key;
      demo.keyId = created.record.keyId;
      gateway.setGraphiQL(options.graphiql?.(demo) ?? {});
      await gateway.start();
      // A lasting store keeps the keys of earlier demo starts, whose secrets were shown on some terminal: revoked
      // once this start holds the port (a second `npm start` that fails to listen must not revoke the running one's).
      if (replaceEarlierDemoKeys) {
        for (const earlier of await apiKeys.list()) {
          if (earlier.name === DEMO_KEY_NAME && earlier.keyId !== created.record.keyId && earlier.revokedAt === undefined) await apiKeys.revoke(earlier.keyId);
        }
      }
      if (connectDemo) {
        for (const companyId of demoCompanies) await connectThroughLanding(gateway, config, emulator, companyId, demo.token);
      }
    } else {
      demo.token = emulator.issueToken(DEMO.companyId);
      gateway = await createGateway({ config, graphiql: options.graphiql?.(demo), logger: options.logger, tracing: options.tracing });
      await gateway.start();
    }
    if (options.webhooks !== false) emulator.setWebhookUrls([`${gateway.origin}${config.webhook.path}`]);
    return {
      emulator,
      gateway,
      config,
      demo,
      async stop() {
        await gateway.stop();
        if (!shared) await emulator.stop();
        // The throw-away demo store goes with the demo (a configured DATABASE_URL stays).
        if (config.managed && !store.databaseUrl && !options.config.managed?.databaseUrl) {
          const file = config.managed.databaseUrl.replace(/^sqlite:/, "");
          await Promise.all(["", "-wal", "-shm"].map((suffix) => rm(`${file}${suffix}`, { force: true })));
        }
      },
    };
  } catch (error) {
    // A gateway that failed to start must not leave the emulator it came with listening.
    if (!shared) await emulator.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The store `npm start`'s demo keeps (config `demoStore`): `DATABASE_URL`, by default the CLI's own
 * `sqlite:./data/concur-graph.db`, so `concur-graph keys create` makes keys the running demo accepts and `keys list`
 * shows the demo's key. Its encryption key is `CONNECTION_ENCRYPTION_KEYS`, else one generated on first start and
 * kept beside the SQLite file (`<file>.demo-key`, mode 0600), so the connections stored survive a restart.
 */
export async function demoStore(config: Readonly<GatewayConfig>): Promise<Pick<ManagedModeConfig, "databaseUrl" | "encryptionKeys"> | undefined> {
  const settings = config.demoStore;
  if (!settings) return undefined;
  if (settings.encryptionKeys) return { databaseUrl: settings.databaseUrl, encryptionKeys: settings.encryptionKeys };
  const location = parseDatabaseUrl(settings.databaseUrl);
  if (location.kind !== "sqlite") {
    throw new ConfigError("The demo on a PostgreSQL DATABASE_URL needs CONNECTION_ENCRYPTION_KEYS (for example k1:$(openssl rand -base64 32)): it keeps no key file beside a server database.");
  }
  const file = `${location.path}.demo-key`;
  await mkdir(dirname(file), { recursive: true });
  const generated = `demo:${randomBytes(32).toString("base64")}\n`;
  try {
    // "wx": two demos starting at once never overwrite each other's key; the loser reads the winner's.
    await writeFile(file, generated, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw new ConfigError(`Cannot write the demo encryption key ${file}: ${(error as Error).message}.`);
  }
  return { databaseUrl: settings.databaseUrl, encryptionKeys: (await readFile(file, "utf8")).trim() };
}
