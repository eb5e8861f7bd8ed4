import { spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
const messageOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
};

describe("loadConfig", () => {
  it("has safe defaults: embedded emulator, in-memory stores, port 4000", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 4000, host: "127.0.0.1", emulatorPort: 0, cacheTtlSeconds: 300, maxPageSize: 1000, batchWindowMs: 25 });
    expect(config.concurBaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.webhook).toMatchObject({ path: "/webhooks/concur", maxBodyBytes: 1024 * 1024 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("reads the upstream, Redis and the webhook key (inline with \\n escapes, or from a file)", () => {
    const config = loadConfig({ CONCUR_BASE_URL: "https://us2.api.concursolutions.com/", REDIS_URL: "redis://127.0.0.1:6379", CONCUR_WEBHOOK_PUBLIC_KEY: pem.replace(/\n/g, "\\n") });
    expect(config.concurBaseUrl).toBe("https://us2.api.concursolutions.com");
    expect(config.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(config.webhook.publicKeyPem).toBe(pem);
    const file = join(mkdtempSync(join(tmpdir(), "cg-")), "key.pem");
    writeFileSync(file, pem);
    expect(loadConfig({ CONCUR_WEBHOOK_PUBLIC_KEY_FILE: file }).webhook.publicKeyPem).toBe(pem);
  });

  it.each([
    [{ PORT: "http" }, /PORT="http" is invalid: expected a whole number from 0 to 65535/],
    [{ PORT: "70000" }, /PORT="70000" is invalid/],
    [{ CONCUR_BASE_URL: "us2.api.concursolutions.com" }, /CONCUR_BASE_URL=.* is not a URL/],
    [{ CONCUR_BASE_URL: "ftp://x" }, /CONCUR_BASE_URL=.* must use https: or http:/],
    [{ REDIS_URL: "http://localhost:6379" }, /REDIS_URL=.* must use redis: or rediss:/],
    [{ CONCUR_WEBHOOK_PUBLIC_KEY: "not a key" }, /must be a PEM starting with -----BEGIN PUBLIC KEY-----/],
    [{ CONCUR_WEBHOOK_PUBLIC_KEY: pem, CONCUR_WEBHOOK_PUBLIC_KEY_FILE: "/x" }, /Set only one of/],
    [{ CONCUR_WEBHOOK_PUBLIC_KEY_FILE: "/nonexistent/key.pem" }, /cannot be read/],
    [{ WEBHOOK_PATH: "hooks" }, /WEBHOOK_PATH must start with "\/"/],
    [{ WEBHOOK_PATH: "/graphql" }, /cannot be \/graphql/],
    [{ MAX_PAGE_SIZE: "0" }, /MAX_PAGE_SIZE="0" is invalid: expected a whole number from 1 to 10000/],
  ])("refuses %j with a message that says what to fix", (env, message) => {
    expect(messageOf(env)).toMatch(message);
  });

  it("a bad value stops the real entry point at start, with the message and exit code 2", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/index.ts"], {
      env: { ...process.env, PORT: "not-a-port", VITEST: "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Configuration error: PORT="not-a-port" is invalid');
  });

  describe("auth mode", () => {
    const REAL = { CONCUR_BASE_URL: "https://us2.api.concursolutions.com" };
    const MANAGED = { ...REAL, CONCUR_AUTH_MODE: "managed", CONCUR_CLIENT_ID: "app-id", CONCUR_CLIENT_SECRET: "app-secret", CONNECTION_ENCRYPTION_KEYS: "k1:AAAA" };

    it("is managed for the embedded demo and passthrough in front of the real Concur unless configured", () => {
      expect(loadConfig({}).authMode).toBe("managed");
      expect(loadConfig({}).managed).toBeUndefined(); // filled in by the embedded wiring from the emulator
      expect(loadConfig(REAL).authMode).toBe("passthrough");
      expect(loadConfig({ CONCUR_AUTH_MODE: "passthrough" }).authMode).toBe("passthrough");
    });

    it("managed mode in front of Concur reads the app, the token host (GLZ by default), the store and the landing path", () => {
      const config = loadConfig(MANAGED);
      expect(config.managed).toMatchObject({
        clientId: "app-id",
        clientSecret: "app-secret",
        tokenUrl: "https://glz.api.concursolutions.com",
        databaseUrl: "sqlite:./data/concur-graph.db",
        connectPath: "/concur/connect",
      });
      expect(config.managed?.jwt).toBeUndefined();
      const withJwt = loadConfig({ ...MANAGED, JWT_JWKS_URL: "https://idp.example/jwks", CONCUR_TOKEN_URL: "https://us.api.concursolutions.com" });
      expect(withJwt.managed?.jwt).toEqual({ jwksUrl: "https://idp.example/jwks", issuer: undefined, audience: undefined, companiesClaim: "concur_companies", roleClaim: "concur_role" });
      expect(withJwt.managed?.tokenUrl).toBe("https://us.api.concursolutions.com");
    });

    it.each([
      [{ CONCUR_AUTH_MODE: "sometimes" }, /CONCUR_AUTH_MODE="sometimes" is invalid: expected passthrough or managed/],
      [{ ...MANAGED, CONCUR_CLIENT_ID: "" }, /CONCUR_CLIENT_ID is required in managed mode/],
      [{ ...MANAGED, CONCUR_CLIENT_SECRET: undefined }, /CONCUR_CLIENT_SECRET is required in managed mode/],
      [{ ...MANAGED, CONNECTION_ENCRYPTION_KEYS: undefined }, /CONNECTION_ENCRYPTION_KEYS is required in managed mode.*openssl rand -base64 32/],
      [{ ...MANAGED, JWT_JWKS_URL: "not a url" }, /JWT_JWKS_URL=.* is not a URL/],
    ])("refuses %j with what to fix", (env, message) => {
      expect(messageOf(env as Record<string, string>)).toMatch(message);
    });
  });
});
