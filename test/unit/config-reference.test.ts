// The configuration reference (docs/configuration.md) is generated from src/config.ts and cannot drift: it equals
// what the generator writes today, and every variable loadConfig reads — by name in the source, and as seen at run
// time in several set-ups — is named in a setting's TSDoc.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { CONFIG_SOURCE, REFERENCE_PAGE, renderReference, undocumentedVariables } from "../../scripts/config-reference.js";

const source = readFileSync(CONFIG_SOURCE, "utf8");

/** Names loadConfig asks of `base`, recorded through a Proxy (whether or not the start succeeds). */
function variablesAskedFor(base: Record<string, string>): string[] {
  const asked = new Set<string>();
  const env = new Proxy(base, {
    get(target, key) {
      if (typeof key === "string" && /^[A-Z][A-Z0-9_]+$/.test(key)) asked.add(key);
      return Reflect.get(target, key);
    },
  });
  try {
    loadConfig(env as NodeJS.ProcessEnv);
  } catch {
    // A set-up that stops on a ConfigError has still shown what it read.
  }
  return [...asked];
}

const KEY = `k1:${Buffer.alloc(32, 7).toString("base64")}`;
const SET_UPS: Record<string, string>[] = [
  {},
  { CONCUR_BASE_URL: "https://us2.api.concursolutions.com" },
  {
    CONCUR_BASE_URL: "https://us2.api.concursolutions.com",
    CONCUR_AUTH_MODE: "managed",
    CONCUR_CLIENT_ID: "id",
    CONCUR_CLIENT_SECRET: "secret",
    CONNECTION_ENCRYPTION_KEYS: KEY,
    JWT_JWKS_URL: "https://idp.example.com/jwks",
    PUBLIC_URL: "https://gateway.example.com",
    CONNECT_SIGN_IN: "oidc",
    CONNECT_OIDC_ISSUER: "https://idp.example.com",
    CONNECT_OIDC_CLIENT_ID: "c",
    CONNECT_OIDC_CLIENT_SECRET: "s",
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
    TRUSTED_DOCUMENTS: "log",
    TRUSTED_DOCUMENTS_FILE: "/dev/null",
  },
];

describe("docs/configuration.md", () => {
  it("is what `npm run docs:config` generates from src/config.ts today", () => {
    expect(readFileSync(REFERENCE_PAGE, "utf8"), "docs/configuration.md is stale: run `npm run docs:config` and commit").toBe(renderReference(source));
  });

  it("names every variable loadConfig reads, by name in the source or at run time", () => {
    const seen = SET_UPS.flatMap(variablesAskedFor);
    expect(seen).toContain("PORT");
    expect(seen).toContain("CONCUR_CLIENT_SECRET");
    expect(undocumentedVariables(source, seen)).toEqual([]);
  });

  it("catches a variable added to config.ts without documentation", () => {
    const added = source.replace("export function loadConfig(env: NodeJS.ProcessEnv)", 'const brandNew = (env: NodeJS.ProcessEnv) => env.BRAND_NEW_SETTING;\nexport function loadConfig(env: NodeJS.ProcessEnv)');
    expect(added).not.toBe(source);
    expect(undocumentedVariables(added)).toEqual(["BRAND_NEW_SETTING"]);
    expect(undocumentedVariables(source, ["ANOTHER_NEW_ONE"])).toEqual(["ANOTHER_NEW_ONE"]);
  });
});
