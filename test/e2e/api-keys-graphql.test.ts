// Issue 21 item 5: admins manage the gateway's API keys over GraphQL (createApiKey returns the secret once, apiKeys,
// revokeApiKey); admin role only, and an admin of some companies only for keys confined to those companies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO } from "../../src/emulator/index.js";
import { ACCOUNTS, createApiKey, startStack, type Stack } from "../helpers/stack.js";

const A = DEMO.companyId;
const B = DEMO.secondCompanyId;
const KEY_FIELDS = "keyId name role companies createdAt revokedAt";
const CREATE = `mutation Create($name: String!, $role: CallerRole!, $companies: [ID!]!) { createApiKey(name: $name, role: $role, companies: $companies) { key apiKey { ${KEY_FIELDS} } } }`;
const LIST = `query Keys { apiKeys { ${KEY_FIELDS} } }`;
const REVOKE = `mutation Revoke($keyId: ID!) { revokeApiKey(keyId: $keyId) { ${KEY_FIELDS} } }`;

interface ApiKeyFields {
  keyId: string;
  name: string;
  role: string;
  companies: string[];
  createdAt: string;
  revokedAt: string | null;
}

describe("API keys over GraphQL (managed mode)", () => {
  let stack: Stack;
  let superAdmin: string;
  let adminA: string;
  const codeOf = (res: { errors?: any[] }) => res.errors?.[0]?.extensions?.code;

  beforeAll(async () => {
    stack = await startStack({ managed: {} });
    superAdmin = await createApiKey(stack, "admin", "*", "admin of every company");
    adminA = await createApiKey(stack, "admin", [A], "admin of A");
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("createApiKey returns a working key once; apiKeys lists it without any secret; revokeApiKey refuses it at once", async () => {
    const created = await stack.graphql<{ createApiKey: { key: string; apiKey: ApiKeyFields } }>(CREATE, { name: "ERP reader", role: "READ", companies: [A.toUpperCase()] }, adminA);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(key).toMatch(new RegExp(`^cg_${apiKey.keyId}_[A-Za-z0-9_-]{43}$`));
    expect(apiKey).toMatchObject({ name: "ERP reader", role: "READ", companies: [A], revokedAt: null });

    const read = await stack.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 2 }, key);
    expect(read.errors).toBeUndefined();
    expect(codeOf(await stack.graphql(LIST, {}, key))).toBe("FORBIDDEN"); // a read key manages nothing

    const listed = await stack.graphql<{ apiKeys: ApiKeyFields[] }>(LIST, {}, adminA);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.apiKeys).toContainEqual(apiKey);
    expect(JSON.stringify(listed.data)).not.toContain(key.slice(16));

    const revoked = await stack.graphql<{ revokeApiKey: ApiKeyFields }>(REVOKE, { keyId: apiKey.keyId }, adminA);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
    expect(codeOf(await stack.graphql(ACCOUNTS, { companyId: A, erpId: DEMO.erpId, first: 2 }, key))).toBe("UNAUTHENTICATED");
  });

  it("an admin of some companies manages only keys confined to them; an admin of every company manages all", async () => {
    expect(codeOf(await stack.graphql(CREATE, { name: "x", role: "WRITE", companies: [B] }, adminA))).toBe("FORBIDDEN");
    expect(codeOf(await stack.graphql(CREATE, { name: "x", role: "WRITE", companies: ["*"] }, adminA))).toBe("FORBIDDEN");
    expect(codeOf(await stack.graphql(CREATE, { name: "x", role: "WRITE", companies: [A, B] }, adminA))).toBe("FORBIDDEN");

    const forB = await stack.graphql<{ createApiKey: { apiKey: ApiKeyFields } }>(CREATE, { name: "writer of B", role: "WRITE", companies: [B] }, superAdmin);
    expect(forB.errors).toBeUndefined();
    const keyOfB = forB.data!.createApiKey.apiKey.keyId;

    const seenByA = (await stack.graphql<{ apiKeys: ApiKeyFields[] }>(LIST, {}, adminA)).data!.apiKeys;
    expect(seenByA.map((k) => k.keyId)).not.toContain(keyOfB);
    expect(seenByA.every((k) => k.companies.every((c) => c === A))).toBe(true);
    expect(codeOf(await stack.graphql(REVOKE, { keyId: keyOfB }, adminA))).toBe("NOT_FOUND");

    const seenByAll = (await stack.graphql<{ apiKeys: ApiKeyFields[] }>(LIST, {}, superAdmin)).data!.apiKeys;
    expect(seenByAll.map((k) => k.keyId)).toContain(keyOfB);
    expect(seenByAll.find((k) => k.name === "admin of every company")?.companies).toEqual(["*"]);
    const revoked = await stack.graphql<{ revokeApiKey: ApiKeyFields }>(REVOKE, { keyId: keyOfB }, superAdmin);
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
  });

  it("bad input says which field and why", async () => {
    const noCompanies = await stack.graphql(CREATE, { name: "x", role: "READ", companies: [] }, superAdmin);
    expect(codeOf(noCompanies)).toBe("BAD_USER_INPUT");
    expect(noCompanies.errors![0].message).toMatch(/companies/);
    const noName = await stack.graphql(CREATE, { name: " ", role: "READ", companies: [A] }, superAdmin);
    expect(codeOf(noName)).toBe("BAD_USER_INPUT");
    expect(noName.errors![0].message).toMatch(/name/);
    expect(codeOf(await stack.graphql(REVOKE, { keyId: "ffffffffffff" }, superAdmin))).toBe("NOT_FOUND");
  });
});
