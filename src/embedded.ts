// The one place the gateway side touches the emulator: `npm start` without CONCUR_BASE_URL (and the test stack,
// which starts exactly this wiring on free ports).
import { createEmulator, DEMO, type EmulatorOptions, type RunningEmulator } from "./emulator/index.js";
import type { GatewayConfig, ResolvedGatewayConfig } from "./config.js";
import { createGateway, type Gateway } from "./gateway.js";
import type { GraphiQLDefaults } from "./http/graphiql.js";

/** The seeded demo company, its ERP and a read + write bearer token for it. */
export interface DemoCompany {
  companyId: string;
  erpId: string;
  token: string;
}

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

/** Points the config at the emulator: its URL, and its webhook signing key unless one is configured. */
export function resolveForEmulator(config: Readonly<GatewayConfig>, emulator: RunningEmulator): ResolvedGatewayConfig {
  return Object.freeze({
    ...config,
    concurBaseUrl: emulator.url,
    webhook: Object.freeze({ ...config.webhook, publicKeyPem: config.webhook.publicKeyPem ?? emulator.publicKeyPem }),
  });
}

/**
 * Starts the demo-seeded emulator (or takes a running one), a gateway in front of it, and subscribes the gateway's
 * webhook endpoint to the emulator's ESS, so the emulator's signed events reach the gateway as Concur's would.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const shared = isRunning(options.emulator) ? options.emulator : undefined;
  const emulator = shared ?? (await createEmulator({ port: options.config.emulatorPort, seed: "demo", ...(options.emulator as EmulatorOptions | undefined) }));
  try {
    const config = resolveForEmulator(options.config, emulator);
    const demo: DemoCompany = { companyId: DEMO.companyId, erpId: DEMO.erpId, token: emulator.issueToken(DEMO.companyId) };
    const gateway = await createGateway({ config, graphiql: options.graphiql?.(demo) });
    await gateway.start();
    if (options.webhooks !== false) emulator.setWebhookUrls([`${gateway.origin}${config.webhook.path}`]);
    return {
      emulator,
      gateway,
      config,
      demo,
      async stop() {
        await gateway.stop();
        if (!shared) await emulator.stop();
      },
    };
  } catch (error) {
    // A gateway that failed to start must not leave the emulator it came with listening.
    if (!shared) await emulator.stop().catch(() => undefined);
    throw error;
  }
}
