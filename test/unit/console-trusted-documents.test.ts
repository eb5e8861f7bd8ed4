// The operator console's operations and its trusted-documents manifest (docs/trusted-documents.md, docs/console.md):
// every operation in its sources is a typed document of the client preset (a hand-typed one would be in no manifest,
// so TRUSTED_DOCUMENTS=enforce would refuse it), each document's hash names its text in the committed manifest; and
// the gateway's copy of the console's manifest follows a new build without a restart. Staleness of the generated
// files against the sources is `graphql-codegen --config codegen.yml --check` (scripts/test.sh).
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { createTrustedDocuments, NOT_IN_LIST } from "../../src/http/trusted-documents.js";
import { waitFor } from "../helpers/wait.js";

const SOURCES = "src/console/src";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the console's operations", () => {
  const manifest = JSON.parse(readFileSync(`${SOURCES}/gql/persisted-documents.json`, "utf8")) as Record<string, string>;
  const generated = readFileSync(`${SOURCES}/gql/graphql.ts`, "utf8");

  it("are all graphql(`…`) calls in the sources: no operation text outside them", () => {
    const files = readdirSync(SOURCES).filter((f) => /\.tsx?$/.test(f));
    let calls = 0;
    for (const file of files) {
      const text = readFileSync(join(SOURCES, file), "utf8");
      calls += (text.match(/graphql\(`(?:query|mutation|subscription) /g) ?? []).length;
      // A template literal that starts an operation and is not the argument of graphql(…).
      const loose = [...text.matchAll(/(^|[^(])`\s*(query|mutation|subscription)\s+\w+/g)].map((m) => m[0]);
      expect(loose, file).toEqual([]);
    }
    expect(calls).toBe(Object.keys(manifest).length);
  });

  it("each generated document carries the hash of its text in the committed manifest", () => {
    const hashes = [...generated.matchAll(/\{"hash":"(sha256:[0-9a-f]{64})"\}/g)].map((m) => m[1]!);
    expect(hashes.length).toBe(Object.keys(manifest).length);
    expect(new Set(hashes)).toEqual(new Set(Object.keys(manifest)));
    for (const [id, text] of Object.entries(manifest)) expect(id, text).toBe(`sha256:${sha256(text)}`);
    expect(new Set(Object.values(manifest).map((text) => /^(?:query|mutation|subscription) (Console\w+)/.exec(text)?.[1])).size).toBe(Object.keys(manifest).length);
  });
});

describe("the gateway's copy of the console's manifest", () => {
  const dir = mkdtempSync(join(tmpdir(), "console-manifest-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const OLD = "query ConsoleOld { __typename }";
  const NEW = "query ConsoleNew { __typename }";
  const path = join(dir, "persisted-documents.json");
  const write = (content: string, mtimeSeconds: number) => {
    writeFileSync(path, content);
    utimesSync(path, mtimeSeconds, mtimeSeconds);
  };
  const lines: string[] = [];
  const logger = createLogger("debug", { destination: { write: (line: string) => void lines.push(line) } });

  it("is trusted in enforce mode besides the operator's, and re-read when a new build replaces it; a broken one keeps the previous", async () => {
    write(JSON.stringify({ [`sha256:${sha256(OLD)}`]: OLD }), 1_000_000);
    const operator = join(dir, "operator.json");
    writeFileSync(operator, JSON.stringify({}));
    const trusted = createTrustedDocuments({ mode: "enforce", manifestPath: operator, logger, consoleManifestPath: path });
    expect(trusted.operations).toBe(0);
    expect(trusted.consoleOperations).toBe(1);
    expect(await trusted.persistedQueriesCache.get(`apq:${sha256(OLD)}`)).toBe(OLD);
    expect(trusted.admitSubscription({ query: "", extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OLD) } } })).toEqual({ query: OLD });
    expect(await trusted.persistedQueriesCache.get(`apq:${sha256(NEW)}`)).toBeUndefined();

    // A build in progress: half a file. The previous manifest stays, with a warning. (The file is looked at again on a
    // hash nobody knows, at most once a second.)
    write('{ "sha256:', 1_000_100);
    await waitFor(async () => (await trusted.persistedQueriesCache.get(`apq:${sha256(NEW)}`), lines.some((l) => l.includes("manifest unreadable"))), 5_000, "the unreadable manifest to be noticed");
    expect(await trusted.persistedQueriesCache.get(`apq:${sha256(OLD)}`)).toBe(OLD);

    // The finished build: the new operation runs without a restart, the old one is gone.
    write(JSON.stringify({ [`sha256:${sha256(NEW)}`]: NEW }), 1_000_200);
    await waitFor(async () => (await trusted.persistedQueriesCache.get(`apq:${sha256(NEW)}`)) === NEW, 5_000, "the new manifest to be read");
    expect(await trusted.persistedQueriesCache.get(`apq:${sha256(OLD)}`)).toBeUndefined();
    const refused = trusted.admitSubscription({ query: OLD });
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error & { extensions: { code?: string } }).extensions.code).toBe(NOT_IN_LIST);
  });

  it("without a console manifest (not built), nothing more is trusted", async () => {
    const trusted = createTrustedDocuments({ mode: "off", logger, consoleManifestPath: join(dir, "absent.json") });
    expect(trusted.consoleOperations).toBe(0);
    expect(await trusted.persistedQueriesCache.get(`apq:${sha256(NEW)}`)).toBeUndefined();
  });
});
