// The one place the gateway side touches the emulator: `npm start` without CONCUR_BASE_URL.
import { createEmulator, DEMO, type RunningEmulator } from "./emulator/index.js";
import type { GatewayConfig, ResolvedGatewayConfig } from "./config.js";

export interface EmbeddedUpstream {
  emulator: RunningEmulator;
  config: ResolvedGatewayConfig;
  demo: { companyId: string; erpId: string; token: string };
}

/** Starts the demo-seeded emulator and points the config at it (its URL and its webhook signing key). */
export async function startEmbeddedUpstream(config: Readonly<GatewayConfig>): Promise<EmbeddedUpstream> {
  const emulator = await createEmulator({ port: config.emulatorPort, seed: "demo" });
  const resolved: ResolvedGatewayConfig = Object.freeze({
    ...config,
    concurBaseUrl: emulator.url,
    webhook: Object.freeze({ ...config.webhook, publicKeyPem: config.webhook.publicKeyPem ?? emulator.publicKeyPem }),
  });
  const token = emulator.issueToken(DEMO.companyId);
  return { emulator, config: resolved, demo: { companyId: DEMO.companyId, erpId: DEMO.erpId, token } };
}
