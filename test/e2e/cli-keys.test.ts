import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { openApiKeyStore } from "../../src/callers/api-keys.js";
import { openConnectionStore } from "../../src/connections/store/connection-store.js";

const tempDir = mkdtempSync(join(tmpdir(), "cg-cli-"));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Runs the CLI as a child process with only the environment given (plus PATH). */
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: tempDir, env, timeoutMs: 30_000 });

// Each test starts the CLI (tsx) several times: 2-3 s each when idle, 7-12 s each on a loaded 2-core machine.
describe("concur-graph CLI (child process)", { timeout: 180_000 }, () => {
  const databaseUrl = `sqlite:${join(tempDir, "cli.db")}`;

  it("keys create -> list -> revoke, with exit codes; secrets shown once, never listed", async () => {
    const created = await cli(["keys", "create", "--name", "erp", "--role", "write", "--companies", "c1,c2"], { DATABASE_URL: databaseUrl });
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^cg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const keyId = key.split("_")[1];
    expect(created.stderr).toMatch(new RegExp(`Created API key ${keyId} \\(erp, role write, companies c1,c2\\).*shown only once`));

    // The key works against the same database.
    const store = await openApiKeyStore({ databaseUrl, cacheTtlMs: 0 });
    try {
      expect(await store.verify(key)).toEqual({ kind: "apiKey", id: keyId, role: "write", companies: ["c1", "c2"] });
    } finally {
      await store.close();
    }

    const listed = await cli(["--database-url", databaseUrl, "keys", "list"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${keyId}\\s+erp\\s+write\\s+c1,c2\\s+\\S+Z\\s+-`));
    expect(listed.stdout).not.toContain(key.slice(16));
    const json = await cli(["--database-url", databaseUrl, "keys", "list", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ keyId, name: "erp", role: "write", companies: ["c1", "c2"] })]);
    expect(json.stdout).not.toMatch(/sha|hash|secret/i);

    const revoked = await cli(["keys", "revoke", keyId], { DATABASE_URL: databaseUrl });
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`Revoked API key ${keyId} \\(erp\\)`)) });
    const relisted = await cli(["keys", "list"], { DATABASE_URL: databaseUrl });
    expect(relisted.stdout).toMatch(new RegExp(`^${keyId}\\s.*Z\\s+\\d{4}-\\S+Z$`, "m")); // REVOKED column filled

    const unknown = await cli(["keys", "revoke", "ffffffffffff"], { DATABASE_URL: databaseUrl });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No API key ffffffffffff/);
  });

  it("usage and configuration mistakes exit 2 with what to fix", async () => {
    const badRole = await cli(["keys", "create", "--name", "x", "--role", "root", "--companies", "*"], { DATABASE_URL: databaseUrl });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toMatch(/Allowed choices are read, write, admin/);
    const missing = await cli(["keys", "create", "--name", "x"], { DATABASE_URL: databaseUrl });
    expect(missing.code).toBe(2);
    const redis = await cli(["keys", "list"], { DATABASE_URL: "redis://127.0.0.1:6379" });
    expect(redis.code).toBe(2);
    expect(redis.stderr).toMatch(/not durable storage.*sqlite:<path>/);
    const noKeys = await cli(["connections", "rekey"], { DATABASE_URL: databaseUrl });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toMatch(/CONNECTION_ENCRYPTION_KEYS is not set/);
  });

  it("defaults to sqlite:./data/concur-graph.db under the working directory", async () => {
    const created = await cli(["keys", "create", "--name", "default", "--role", "read", "--companies", "*"]);
    expect(created.code).toBe(0);
    const store = await openApiKeyStore({ databaseUrl: `sqlite:${join(tempDir, "data/concur-graph.db")}`, cacheTtlMs: 0 });
    try {
      expect(await store.verify(created.stdout.trim())).toMatchObject({ role: "read", companies: "*" });
    } finally {
      await store.close();
    }
  });

  it("connections list never prints tokens; rekey moves every token to the first key", async () => {
    const k1 = `k1:${randomBytes(32).toString("base64")}`;
    const k2 = `k2:${randomBytes(32).toString("base64")}`;
    const secret = `rt-${randomBytes(8).toString("hex")}`;
    const store = await openConnectionStore({ databaseUrl, keys: [{ id: "k1", key: Buffer.from(k1.slice(3), "base64") }] });
    await store.put({
      companyId: "company-cli",
      refreshToken: secret,
      refreshExpiresAt: Date.UTC(2027, 0, 1),
      geolocation: "https://us2.api.concursolutions.com/oauth2/v0/token",
      scopes: ["FISVC"],
      connectedAt: Date.UTC(2026, 11, 1),
      state: "CONNECTED",
    });
    await store.close();

    const listed = await cli(["connections", "list"], { DATABASE_URL: databaseUrl });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/company-cli\s+CONNECTED\s+https:\/\/us2\.api\.concursolutions\.com\s+2027-01-01T00:00:00\.000Z\s+k1\s+-/);
    expect(listed.stdout).not.toContain(secret);

    const rekey = await cli(["connections", "rekey"], { DATABASE_URL: databaseUrl, CONNECTION_ENCRYPTION_KEYS: `${k2},${k1}` });
    expect(rekey.code).toBe(0);
    expect(rekey.stdout).toMatch(/Re-encrypted 1 connection\(s\) with key k2/);
    expect(rekey.stdout).toMatch(/remove k1 from CONNECTION_ENCRYPTION_KEYS/);
    const after = await cli(["connections", "list", "--json"], { DATABASE_URL: databaseUrl });
    expect(JSON.parse(after.stdout)).toEqual([expect.objectContaining({ companyId: "company-cli", encryptionKeyId: "k2" })]);

    const wrongKeys = await cli(["connections", "rekey", "--encryption-keys", `k3:${randomBytes(32).toString("base64")}`], { DATABASE_URL: databaseUrl });
    expect(wrongKeys.code).toBe(1);
    expect(wrongKeys.stderr).toMatch(/key "k2", which is not in/);
  });
});
