import { EMULATOR_CLIENT_ID } from "../core/auth.js";

/** Secret of the default partner app (`EMULATOR_CLIENT_ID`). Test credentials, not a secret of anything real. */
export const EMULATOR_CLIENT_SECRET = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e0d0c0b0a";

/** A partner app registered with SAP Concur app management: its OAuth client credentials. */
export interface PartnerClient {
  clientId: string;
  clientSecret: string;
}

export const DEFAULT_CLIENTS: readonly PartnerClient[] = [{ clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET }];

/** The registered partner apps of one emulator instance (fixed at start). */
export class ClientRegistry {
  private readonly byId: ReadonlyMap<string, PartnerClient>;

  constructor(clients: readonly PartnerClient[]) {
    if (clients.length === 0) throw new Error("EmulatorOptions.clients must list at least one partner app");
    this.byId = new Map(clients.map((c) => [c.clientId, { ...c }]));
  }

  get(clientId: string): PartnerClient | undefined {
    return this.byId.get(clientId);
  }

  /** The app request tokens are made for when the admin call names none. */
  get defaultClientId(): string {
    return this.byId.keys().next().value as string;
  }
}
