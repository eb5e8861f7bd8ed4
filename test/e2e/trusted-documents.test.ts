// Trusted documents over the real HTTP and WebSocket edges: a manifest as front-end builds write it, enforce mode
// (in the manifest runs, by text or by id; outside it refused, also through APQ registration and GET), log mode (runs,
// logged once per text), and subscriptions. The operator console's own manifest (written next to its bundle by its
// build) is trusted in every mode besides the operator's: its operations run by hash alone.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleManifestFile } from "../../src/http/console.js";
import { createLogger } from "../../src/logger.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";

const dir = mkdtempSync(join(tmpdir(), "trusted-docs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const TRUSTED = "query TrustedEdition($companyId: ID!) { companyEdition(companyId: $companyId) { companyId } }";
const TRUSTED_TYPENAME = "query TrustedTypename { __typename }";
const UNTRUSTED = "query NotShipped { __typename }";
const UNTRUSTED_SUBSCRIPTION = 'subscription NotShipped { requestStatusChanged(companyId: "x") { requestId } }';

/** An operation of the console's manifest as the gateway reads it (dist/console, built when missing): its hash and text. */
function consoleOperation(name: string): { hash: string; text: string } {
  if (!existsSync(consoleManifestFile())) execFileSync("npm", ["run", "--silent", "build:console"], { stdio: "inherit" });
  const manifest = JSON.parse(readFileSync(consoleManifestFile(), "utf8")) as Record<string, string>;
  const [id, text] = Object.entries(manifest).find(([, body]) => body.startsWith(`query ${name}(`) || body.startsWith(`query ${name} `))!;
  return { hash: id.replace(/^sha256:/, ""), text };
}
const CONSOLE_EDITION = consoleOperation("ConsoleEdition");

function writeManifest(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function post(stack: Stack, body: unknown) {
  const res = await request(stack.gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, body: (await res.body.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] } };
}

describe("TRUSTED_DOCUMENTS=enforce with an Apollo persisted-query manifest", () => {
  let stack: Stack;
  beforeAll(async () => {
    const manifest = writeManifest("apollo.json", {
      format: "apollo-persisted-query-manifest",
      version: 1,
      operations: [
        { id: sha256(TRUSTED), name: "TrustedEdition", type: "query", body: TRUSTED },
        { id: "my-build-id-7", name: "TrustedTypename", type: "query", body: TRUSTED_TYPENAME },
      ],
    });
    stack = await startStack({ env: { TRUSTED_DOCUMENTS: "enforce", TRUSTED_DOCUMENTS_FILE: manifest } });
  });
  afterAll(() => stack?.stop());

  it("runs an operation of the manifest, sent as text (twice: the second on the compiled path) or by id only", async () => {
    for (let i = 0; i < 2; i++) {
      const byText = await post(stack, { query: TRUSTED, variables: { companyId: stack.companyId } });
      expect(byText.status).toBe(200);
      expect(byText.body.errors).toBeUndefined();
      expect(byText.body.data.companyEdition.companyId).toBe(stack.companyId);
    }
    const byId = await post(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: "my-build-id-7" } } });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ data: { __typename: "Query" } });
  });

  it("refuses an operation outside the manifest with 400 PERSISTED_QUERY_NOT_IN_LIST, by POST and by GET", async () => {
    const refused = await post(stack, { query: UNTRUSTED });
    expect(refused.status).toBe(400);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");

    const get = await request(`${stack.gateway.url}?query=${encodeURIComponent(UNTRUSTED)}`, {
      headers: { authorization: `Bearer ${stack.token}`, "apollo-require-preflight": "true", accept: "application/json" },
    });
    expect(get.statusCode).toBe(400);
    expect(((await get.body.json()) as any).errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });

  it("an APQ registration cannot add to the manifest: refused, and the hash is still unknown afterwards", async () => {
    const hash = sha256(UNTRUSTED);
    const register = await post(stack, { query: UNTRUSTED, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(register.status).toBe(400);
    expect(register.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const byHash = await post(stack, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(byHash.body.data).toBeUndefined();
    expect(byHash.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("runs the console's operations too (its own manifest), by hash alone or by the manifest's text", async () => {
    const byHash = await post(stack, { operationName: "ConsoleEdition", variables: { companyId: stack.companyId }, extensions: { persistedQuery: { version: 1, sha256Hash: CONSOLE_EDITION.hash } } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.companyEdition.edition).toEqual(expect.any(String));
    const byText = await post(stack, { query: CONSOLE_EDITION.text, variables: { companyId: stack.companyId } });
    expect(byText.body.errors).toBeUndefined();
    // Any other spelling of it is another text, outside both manifests.
    const respelled = await post(stack, { query: CONSOLE_EDITION.text.replace("{ edition postingChannel }", "{ postingChannel edition }"), variables: { companyId: stack.companyId } });
    expect(respelled.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });

  it("refuses a subscription outside the manifest over graphql-ws", async () => {
    const sub = subscribe(stack.gateway.wsUrl, stack.token, UNTRUSTED_SUBSCRIPTION, {});
    await sub.done;
    expect(sub.events).toEqual([]);
    expect(sub.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });
});

describe("TRUSTED_DOCUMENTS=log with a client-preset persisted-documents.json", () => {
  let stack: Stack;
  const lines: string[] = [];
  beforeAll(async () => {
    const manifest = writeManifest("persisted-documents.json", { [sha256(TRUSTED_TYPENAME)]: TRUSTED_TYPENAME });
    stack = await startStack({
      env: { TRUSTED_DOCUMENTS: "log", TRUSTED_DOCUMENTS_FILE: manifest },
      logger: createLogger("info", { destination: { write: (line: string) => void lines.push(line) } }),
    });
  });
  afterAll(() => stack?.stop());

  it("runs every operation and logs each one outside the manifest once, with its hash", async () => {
    const trusted = await post(stack, { query: TRUSTED_TYPENAME });
    expect(trusted.body).toEqual({ data: { __typename: "Query" } });
    for (let i = 0; i < 3; i++) {
      const untrusted = await post(stack, { query: UNTRUSTED });
      expect(untrusted.status).toBe(200);
      expect(untrusted.body).toEqual({ data: { __typename: "Query" } });
    }
    const notInManifest = () => lines.map((l) => JSON.parse(l) as { msg: string; queryHash?: string; operationName?: string }).filter((l) => l.msg.startsWith("operation not in the trusted-documents manifest"));
    await waitFor(() => notInManifest().length >= 1);
    expect(notInManifest()).toHaveLength(1);
    expect(notInManifest()[0]).toMatchObject({ queryHash: sha256(UNTRUSTED), operationName: "NotShipped" });
  });

  it("the console's operations are in a manifest: they run by hash and are not logged", async () => {
    const byHash = await post(stack, { variables: { companyId: stack.companyId }, extensions: { persistedQuery: { version: 1, sha256Hash: CONSOLE_EDITION.hash } } });
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.companyEdition).toBeDefined();
    const logged = lines.filter((l) => l.includes("operation not in the trusted-documents manifest"));
    expect(logged.some((l) => l.includes(CONSOLE_EDITION.hash) || l.includes("ConsoleEdition"))).toBe(false);
  });
});

describe("TRUSTED_DOCUMENTS=off (the default)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.stop());

  it("knows the console's operations by hash (the console sends nothing else); other texts run as always", async () => {
    const byHash = await post(stack, { variables: { companyId: stack.companyId }, extensions: { persistedQuery: { version: 1, sha256Hash: CONSOLE_EDITION.hash } } });
    expect(byHash.status).toBe(200);
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.companyEdition.edition).toEqual(expect.any(String));
    expect((await post(stack, { query: UNTRUSTED })).body).toEqual({ data: { __typename: "Query" } });
  });
});
