import { createPublicKey, type KeyObject } from "node:crypto";

/**
 * The key ESS signs `Concur-Signature` with, and the keys it signed with before. SAP rotates the signing key with
 * its yearly webhook client certificate and publishes the new public key ahead ([ESS], [PEM]; see
 * docs/emulator/ess-v4.md). A rotation changes what new deliveries are signed with; retries of events already
 * signed keep their signature (ESS signs once per event [INFERRED]).
 */
export class SigningKeys {
  private key: KeyObject;
  private history: string[] = [];

  constructor(private readonly initial: KeyObject) {
    this.key = initial;
  }

  /** The private key new deliveries are signed with. */
  current(): KeyObject {
    return this.key;
  }

  /** SPKI PEM of the current key. */
  get publicKeyPem(): string {
    return publicPemOf(this.key);
  }

  /** SPKI PEMs of the keys used before, newest first. */
  previous(): readonly string[] {
    return this.history;
  }

  /** Starts signing with `next`; the old public key moves to the history. */
  rotate(next: KeyObject): void {
    this.history.unshift(this.publicKeyPem);
    this.key = next;
  }

  /** Back to the key the instance started with (admin reset). */
  reset(): void {
    this.key = this.initial;
    this.history = [];
  }
}

export function publicPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
}
