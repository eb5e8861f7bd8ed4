// ESS pieces without I/O: configuration (ESS_MANAGE, topics, prefix, several signing keys), the signing key set,
// the tolerant readers of the management answers, and data-center names.
import { constants, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { readSubscriptions, readTopics } from "../../src/datasources/index.js";
import { dataCenterName } from "../../src/services/ess-subscriptions.js";
import { createKeySetVerifier, signingKeyId } from "../../src/subscriptions/signature.js";

const keys = [0, 1, 2].map(() => generateKeyPairSync("rsa", { modulusLength: 2048 }));
const pemOf = (i: number) => keys[i].publicKey.export({ type: "spki", format: "pem" }).toString();
const body = Buffer.from('{"id":"e1"}');
const pss = (i: number, data = body) => sign("sha256", data, { key: keys[i].privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN }).toString("base64");
const MANAGED = { CONCUR_BASE_URL: "https://us2.api.concursolutions.com", CONCUR_AUTH_MODE: "managed", CONCUR_CLIENT_ID: "c", CONCUR_CLIENT_SECRET: "s", CONNECTION_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}` };

describe("ESS configuration", () => {
  it("manages subscriptions by default when PUBLIC_URL is set in managed mode, and not otherwise", () => {
    expect(loadConfig({ ...MANAGED, PUBLIC_URL: "https://gw.example.com" }).ess).toMatchObject({ manage: true, topics: ["accounting", "fis"], subscriptionPrefix: "concur-graph.gw.example.com" });
    expect(loadConfig(MANAGED).ess.manage).toBe(false);
    expect(loadConfig({ CONCUR_BASE_URL: "https://us2.api.concursolutions.com", PUBLIC_URL: "https://gw.example.com" }).ess.manage).toBe(false);
    expect(loadConfig({ ...MANAGED, PUBLIC_URL: "https://gw.example.com", ESS_MANAGE: "off" }).ess.manage).toBe(false);
    expect(loadConfig({ ...MANAGED, PUBLIC_URL: "http://127.0.0.1:4000", ESS_TOPICS: "fis" }).ess).toMatchObject({ topics: ["fis"], subscriptionPrefix: "concur-graph.127.0.0.1-4000" });
  });

  it.each([
    [{ ...MANAGED, ESS_MANAGE: "on" }, "needs PUBLIC_URL"],
    [{ CONCUR_BASE_URL: "https://us2.api.concursolutions.com", PUBLIC_URL: "https://gw.example.com", ESS_MANAGE: "on" }, "needs CONCUR_AUTH_MODE=managed"],
    [{ ...MANAGED, ESS_MANAGE: "yes" }, "expected on, off or auto"],
    [{ ...MANAGED, ESS_TOPICS: "fis,expense" }, "expected accounting, fis or both"],
    [{ ...MANAGED, ESS_SUBSCRIPTION_PREFIX: "Concur_Graph" }, "lowercase letters, digits"],
  ])("refuses %o with what to fix", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads several signing keys from CONCUR_WEBHOOK_PUBLIC_KEYS or a file, keeps the single-key variable, refuses two sources", () => {
    const two = `${pemOf(0)}\n${pemOf(1)}`;
    expect(loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEYS: two }).webhook.publicKeyPem).toBe(two);
    expect(loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEY: pemOf(0) }).webhook.publicKeyPem).toBe(pemOf(0));
    const dir = mkdtempSync(join(tmpdir(), "cg-keys-"));
    try {
      writeFileSync(join(dir, "keys.pem"), two);
      expect(loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEY_FILE: join(dir, "keys.pem") }).webhook.publicKeyPem).toBe(two);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEY: pemOf(0), CONCUR_WEBHOOK_PUBLIC_KEYS: two })).toThrow("Set only one of");
    const broken = `${pemOf(0)}\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n`;
    expect(() => loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEYS: broken })).toThrow("#2 cannot be read");
  });
});

describe("the signing key set", () => {
  it("accepts a signature of any key of the set, names the key, and refuses others", () => {
    const set = createKeySetVerifier(`${pemOf(0)}\n${pemOf(1)}\n${pemOf(0)}`);
    expect(set.keys.map((k) => k.id)).toEqual([signingKeyId(keys[0].publicKey), signingKeyId(keys[1].publicKey)]);
    expect(set.verify(body, pss(0))?.id).toBe(signingKeyId(keys[0].publicKey));
    expect(set.verify(body, pss(1))?.id).toBe(signingKeyId(keys[1].publicKey));
    expect(set.verify(body, pss(2))).toBeUndefined();
    expect(set.verify(Buffer.from('{"id":"e2"}'), pss(1))).toBeUndefined();
    expect(set.verify(body, undefined)).toBeUndefined();
  });

  it("refuses a text with no PEM in it", () => {
    expect(() => createKeySetVerifier("not a key")).toThrow("no PEM public key");
  });
});

describe("management answers", () => {
  const sub = { id: "cg.fis.us2", topic: "public.concur.financialintegration", filter: ".*", webHookConfig: { endpoint: "https://gw/webhooks/concur" }, applicationId: "a", companyIds: ["ABC"], groups: [], scope: "" };
  it("reads GET one as an array with one subscription or as a single object (spec §8), and lists", () => {
    expect(readSubscriptions([sub])).toEqual(readSubscriptions(sub));
    expect(readSubscriptions([sub, { nope: true }])).toEqual([{ id: "cg.fis.us2", topic: sub.topic, filter: ".*", endpoint: "https://gw/webhooks/concur", applicationId: "a", companyIds: ["abc"], groups: [] }]);
    expect(readSubscriptions({ message: "x" })).toEqual([]);
    expect(readTopics(["public.test", 3])).toEqual(["public.test"]);
  });

  it("names data centers after the Concur host, or host and port elsewhere", () => {
    expect(dataCenterName("https://us2.api.concursolutions.com")).toBe("us2");
    expect(dataCenterName("https://www-eu2.api.concursolutions.com")).toBe("www-eu2");
    expect(dataCenterName("http://127.0.0.1:40123")).toBe("127-0-0-1-40123");
  });
});
