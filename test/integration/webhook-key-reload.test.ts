// The webhook's key file read again when an event verifies with none of its keys: a key added to the file (SAP's
// next key) counts without a restart; a broken file keeps the keys loaded before; reloads are rate-limited.
import { constants, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { ACCOUNTING_TOPIC } from "../../src/datasources/index.js";
import { createWebhookHandler } from "../../src/subscriptions/webhook.js";
import { registerCleanup } from "../helpers/cleanup.js";

const [current, next] = [0, 1].map(() => generateKeyPairSync("rsa", { modulusLength: 2048 }));
const pemOf = (k: typeof current) => k.publicKey.export({ type: "spki", format: "pem" }).toString();
const event = () =>
  JSON.stringify({ id: randomUUID(), correlationId: "c", eventType: "data.statusUpdated", topic: ACCOUNTING_TOPIC, subtopic: null, timeStamp: new Date().toISOString(), facts: { companyId: randomUUID(), erpId: randomUUID(), partnerId: "p", data: { requestId: randomUUID(), status: "SUCCESS" } } });
const signed = (body: string, key: typeof current) => sign("sha256", Buffer.from(body), { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");

async function receiver(file: string, reloadKeysEveryMs: number) {
  let reads = 0;
  const handler = createWebhookHandler({
    publicKeyPem: pemOf(current),
    maxBodyBytes: 64 * 1024,
    dedupe: new Keyv(),
    logger: createLogger("silent"),
    onEvent: () => {},
    reloadKeys: () => {
      reads += 1;
      return readFileSync(file, "utf8");
    },
    reloadKeysEveryMs,
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  registerCleanup("the webhook receiver", async () => {
    await handler.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/concur`;
  const post = async (key: typeof current) => {
    const body = event();
    return (await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "concur-signature": signed(body, key) } })).status;
  };
  return { post, reads: () => reads };
}

function keyFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cg-keyfile-"));
  registerCleanup(`the key file ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "ess-keys.pem");
  writeFileSync(file, text);
  return file;
}

describe("webhook key file reload", () => {
  it("accepts an event of a key added to the file, without a restart", async () => {
    const file = keyFile(pemOf(current));
    const r = await receiver(file, 0);
    expect(await r.post(current)).toBe(202);
    expect(await r.post(next)).toBe(401);
    writeFileSync(file, `${pemOf(current)}\n${pemOf(next)}`);
    expect(await r.post(next)).toBe(202);
    expect(await r.post(current)).toBe(202);
  });

  it("keeps the keys loaded before when the file breaks, and reads it at most once per interval", async () => {
    const file = keyFile(pemOf(current));
    const r = await receiver(file, 60_000);
    writeFileSync(file, "not a key");
    expect(await r.post(next)).toBe(401);
    expect(await r.post(next)).toBe(401);
    // The start counts as the last read: no re-read within the interval, however many bad events arrive.
    expect(r.reads()).toBe(0);
    expect(await r.post(current)).toBe(202);
  });

  it("does not stop accepting the current key when a re-read fails", async () => {
    const file = keyFile(pemOf(current));
    const r = await receiver(file, 0);
    rmSync(file);
    expect(await r.post(next)).toBe(401);
    expect(r.reads()).toBe(1);
    expect(await r.post(current)).toBe(202);
  });
});
