import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCallerAuthenticator } from "../../src/callers/authenticate.js";
import { canAct } from "../../src/callers/identity.js";
import { createJwtVerifier, type JwtVerifierOptions } from "../../src/callers/jwt.js";
import { CodedError, ErrorCode } from "../../src/errors.js";

const ISSUER = "https://idp.example.test/";
const AUDIENCE = "concur-graph";

let server: Server;
let jwksUrl: string;
let jwksRequests = 0;
let signing: CryptoKey;
let unpublished: CryptoKey;
const published: JWK[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  signing = pair.privateKey;
  published.push({ ...(await exportJWK(pair.publicKey)), kid: "key-1", alg: "ES256", use: "sig" });
  unpublished = (await generateKeyPair("ES256")).privateKey;
  server = createServer((req, res) => {
    jwksRequests++;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface TokenOptions {
  claims?: Record<string, unknown>;
  kid?: string;
  key?: CryptoKey;
  issuer?: string;
  audience?: string;
  expiresAt?: number | string;
}
const token = (options: TokenOptions = {}) =>
  new SignJWT({ concur_role: "write", concur_companies: "c1 c2", ...options.claims })
    .setProtectedHeader({ alg: "ES256", kid: options.kid ?? "key-1" })
    .setSubject("svc-erp")
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? "5m")
    .sign(options.key ?? signing);

const verifier = (options: Partial<JwtVerifierOptions> = {}) => createJwtVerifier({ jwksUrl, issuer: ISSUER, audience: AUDIENCE, ...options });

async function rejected(promise: Promise<unknown>, code: ErrorCode, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodedError);
  expect((error as CodedError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe("JWT verifier against a local JWKS", () => {
  it("reads upper-case company ids in the claim as the canonical lower-case ids, which act for either case", async () => {
    const company = "03a4ac48-5a3c-4c4e-9b1d-6f2c1e0a9d01";
    const identity = await verifier().verify(await token({ claims: { concur_role: "admin", concur_companies: ` ${company.toUpperCase()} ` } }));
    expect(identity.companies).toEqual([company]);
    expect(canAct(identity, company, "admin")).toBe(true);
    expect(canAct(identity, company.toUpperCase(), "admin")).toBe(true);
    expect(canAct(identity, "7f3b2c1d-0e9f-4a8b-8c7d-6e5f4a3b2c10", "read")).toBe(false);
  });

  it("accepts a valid token and reads role and companies", async () => {
    expect(await verifier().verify(await token())).toEqual({ kind: "jwt", id: "svc-erp", role: "write", companies: ["c1", "c2"] });
    expect(await verifier().verify(await token({ claims: { concur_companies: ["*"], concur_role: ["read", "admin"] } }))).toMatchObject({ role: "admin", companies: "*" });
  });

  it("custom claim names and a default role", async () => {
    const jwt = await token({ claims: { concur_role: undefined, tenants: "a,b" } });
    expect(await verifier({ companiesClaim: "tenants", defaultRole: "read" }).verify(jwt)).toMatchObject({ role: "read", companies: ["a", "b"] });
    await rejected(verifier().verify(jwt), ErrorCode.FORBIDDEN, /no usable "concur_role" claim/);
  });

  it("rejects a wrong issuer or audience", async () => {
    await rejected(verifier().verify(await token({ issuer: "https://evil.example/" })), ErrorCode.UNAUTHENTICATED, /"iss" claim was rejected/);
    await rejected(verifier().verify(await token({ audience: "someone-else" })), ErrorCode.UNAUTHENTICATED, /"aud" claim was rejected/);
  });

  it("rejects an expired token", async () => {
    await rejected(verifier().verify(await token({ expiresAt: Math.floor(Date.now() / 1000) - 60 })), ErrorCode.UNAUTHENTICATED, /expired/);
  });

  it("rejects an unknown kid and a forged signature", async () => {
    await rejected(verifier().verify(await token({ kid: "key-unknown", key: unpublished })), ErrorCode.UNAUTHENTICATED, /key \(kid\).*does not contain/);
    await rejected(verifier().verify(await token({ key: unpublished })), ErrorCode.UNAUTHENTICATED, /signature is invalid/);
    await rejected(verifier().verify("not.a.jwt"), ErrorCode.UNAUTHENTICATED, /not a valid JWT/);
  });

  it("fetches the JWKS once per verifier, not per token", async () => {
    const v = verifier();
    const before = jwksRequests;
    for (let i = 0; i < 5; i++) await v.verify(await token());
    expect(jwksRequests - before).toBe(1);
  });

  it("an unreachable JWKS is UPSTREAM_UNAVAILABLE, not the caller's fault", async () => {
    const dead = createJwtVerifier({ jwksUrl: "http://127.0.0.1:1/jwks", jwksTimeoutMs: 500 });
    await rejected(dead.verify(await token()), ErrorCode.UPSTREAM_UNAVAILABLE, /could not load the signing keys/);
  });

  it("the authenticator sends non-API-key bearer tokens to the verifier and never echoes them", async () => {
    const auth = createCallerAuthenticator({ jwt: verifier() });
    const jwt = await token();
    expect(await auth.authenticate(`Bearer ${jwt}`)).toMatchObject({ kind: "jwt", id: "svc-erp" });
    const expired = await token({ expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const error = await auth.authenticate(`Bearer ${expired}`).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(expired);
    await rejected(auth.authenticate(undefined), ErrorCode.UNAUTHENTICATED, /Send a JWT \(Authorization: Bearer <JWT>\)/);
    await rejected(auth.authenticate("Bearer cg_0123456789ab_x"), ErrorCode.UNAUTHENTICATED, /API keys are not accepted/);
  });
});
