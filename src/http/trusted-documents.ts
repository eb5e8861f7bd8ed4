// Trusted documents (persisted-operation safelisting): a public deployment answers only the operations its own
// front-ends ship. The manifest is what the front-end's build already produces: Apollo's persisted-query manifest
// (`generate-persisted-query-manifest`) or GraphQL Code Generator's client preset `persisted-documents.json`.
// Rollout: `log` first (everything runs; each operation outside the manifest is logged once), then `enforce`.
// The operator console ships with the gateway, and so does its manifest (the client preset's, written next to its
// bundle): it is trusted in every mode besides the operator's, so enforce never locks the console out.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import { GraphQLError } from "graphql";
import { ConfigError } from "../config.js";
import type { Logger } from "../logger.js";
import { consoleManifestFile } from "./console.js";

export type TrustedDocumentsMode = "off" | "log" | "enforce";

/** The code a refused operation carries (Apollo Router's and GraphOS's name for it). */
export const NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST";

/** Operations of a manifest: id (as the manifest names it, and the SHA-256 of its text) -> text. */
export type TrustedManifest = ReadonlyMap<string, string>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Reads a manifest: `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body", … }] }`
 * or the client preset's `{ "<hash>": "<document>" }`. Every operation is known by the manifest's id and by the
 * SHA-256 of its text (what Apollo's APQ and a plain `query` are matched by), with an optional `sha256:` prefix
 * dropped from ids.
 */
export function parseTrustedManifest(json: string, source = "the manifest"): TrustedManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(`${source} is not JSON: ${(error as Error).message}`);
  }
  const entries: [string, string][] = [];
  if (raw && typeof raw === "object" && !Array.isArray(raw) && (raw as { format?: unknown }).format === "apollo-persisted-query-manifest") {
    const operations = (raw as { operations?: unknown }).operations;
    if (!Array.isArray(operations)) throw new ConfigError(`${source}: an Apollo persisted-query manifest needs an "operations" array`);
    operations.forEach((op: { id?: unknown; body?: unknown }, i) => {
      if (typeof op?.id !== "string" || typeof op.body !== "string") throw new ConfigError(`${source}: operations[${i}] needs a string "id" and "body"`);
      entries.push([op.id, op.body]);
    });
  } else if (raw && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [id, body] of Object.entries(raw)) {
      if (typeof body !== "string") throw new ConfigError(`${source}: the value of ${JSON.stringify(id)} is not a document text`);
      entries.push([id, body]);
    }
  } else {
    throw new ConfigError(`${source}: expected an Apollo persisted-query manifest or a client-preset persisted-documents.json object`);
  }
  const manifest = new Map<string, string>();
  for (const [id, body] of entries) {
    manifest.set(id.replace(/^sha256:/, ""), body);
    manifest.set(sha256(body), body);
  }
  return manifest;
}

export interface TrustedDocumentsOptions {
  mode: TrustedDocumentsMode;
  /** Path of the manifest file (required unless mode is off). */
  manifestPath?: string;
  logger: Logger;
  /**
   * The operator console's manifest, trusted in every mode (its operations are sent by hash only): default the one its
   * build wrote next to the bundle (dist/console/persisted-documents.json); null for none. Absent (console not built):
   * nothing. Read again when a new build replaces it (checked at most once a second, on a hash nobody knows).
   */
  consoleManifestPath?: string | null;
}

export interface TrustedDocuments {
  readonly mode: TrustedDocumentsMode;
  /** Distinct operation texts in the operator's manifest (TRUSTED_DOCUMENTS_FILE). */
  readonly operations: number;
  /** Distinct operation texts in the console's manifest. */
  readonly consoleOperations: number;
  /** Apollo plugin: refuses (enforce) or logs (log) an operation whose text is not in the manifest. */
  readonly plugin: ApolloServerPlugin<BaseContext>;
  /**
   * Apollo's APQ store: the manifest answers first, so clients may send only an operation's id; in enforce mode an
   * APQ registration never adds to what runs (nothing is stored, and the text is checked anyway).
   */
  readonly persistedQueriesCache: KeyValueCache<string>;
  /** For graphql-ws: the text to run for a subscribe payload, or the error that refuses it. */
  admitSubscription(payload: { query?: unknown; extensions?: unknown; operationName?: unknown }): { query: string } | GraphQLError;
}

/** The error a refused operation gets: HTTP 400, a code clients can tell from "not found" (so they do not re-register). */
function notInList(): GraphQLError {
  return new GraphQLError("This gateway runs only trusted operations, and this one is not in its manifest.", {
    extensions: { code: NOT_IN_LIST, http: { status: 400 } },
  });
}

export function createTrustedDocuments(options: TrustedDocumentsOptions): TrustedDocuments {
  const { mode, logger } = options;
  let manifest: TrustedManifest = new Map();
  if (mode !== "off") {
    if (!options.manifestPath) throw new ConfigError(`TRUSTED_DOCUMENTS=${mode} needs TRUSTED_DOCUMENTS_FILE (the manifest your front-end's build writes).`);
    let text: string;
    try {
      text = readFileSync(options.manifestPath, "utf8");
    } catch (error) {
      throw new ConfigError(`TRUSTED_DOCUMENTS_FILE=${options.manifestPath} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    manifest = parseTrustedManifest(text, `TRUSTED_DOCUMENTS_FILE=${options.manifestPath}`);
  }
  const consoleDocs = consoleManifest(options.consoleManifestPath === undefined ? defaultConsoleManifest() : options.consoleManifestPath, logger);
  /** The text of a trusted operation, by manifest id or SHA-256 of its text: the operator's manifest, then the console's. */
  const lookup = (hash: string): string | undefined => manifest.get(hash) ?? consoleDocs.get(hash);
  // Registered APQ texts, as Apollo keeps them without this module (off and log modes only).
  const registered = new InMemoryLRUCache<string>();
  // Log mode: each untrusted text once (bounded, so a caller cannot grow it without end).
  const logged = new InMemoryLRUCache<true>({ maxSize: 10_000, sizeCalculation: () => 1 });

  const judge = async (hash: string | undefined, operationName: string | null | undefined): Promise<void> => {
    if (mode === "off" || (hash !== undefined && lookup(hash) !== undefined)) return;
    if (mode === "enforce") throw notInList();
    const key = hash ?? "";
    if (await logged.get(key)) return;
    await logged.set(key, true);
    logger.warn({ operationName: operationName ?? undefined, queryHash: hash, trustedDocuments: mode }, "operation not in the trusted-documents manifest (TRUSTED_DOCUMENTS=log lets it run; enforce would refuse it)");
  };

  const apqKey = (key: string) => key.replace(/^apq:/, "");
  return {
    mode,
    operations: new Set(manifest.values()).size,
    get consoleOperations() {
      return consoleDocs.operations();
    },
    plugin: {
      async requestDidStart() {
        if (mode === "off") return;
        return {
          // After Apollo resolved the text (from `query` or from the APQ store) and parsed it: errors thrown here are
          // answered as request errors with their HTTP status.
          async didResolveOperation(requestContext) {
            await judge(requestContext.queryHash, requestContext.operationName);
          },
        };
      },
    },
    persistedQueriesCache: {
      async get(key) {
        return lookup(apqKey(key)) ?? (mode === "enforce" ? undefined : registered.get(key));
      },
      async set(key, value, opts) {
        if (mode !== "enforce" && lookup(apqKey(key)) === undefined) await registered.set(key, value, opts);
      },
      async delete(key) {
        return registered.delete(key);
      },
    },
    admitSubscription(payload) {
      const hash = persistedHash(payload.extensions);
      let query = typeof payload.query === "string" && payload.query !== "" ? payload.query : undefined;
      if (query === undefined && hash !== undefined) query = lookup(hash);
      if (query === undefined) return new GraphQLError(hash !== undefined ? "PersistedQueryNotFound" : "Subscribe needs a query", { extensions: { code: hash !== undefined ? "PERSISTED_QUERY_NOT_FOUND" : "BAD_REQUEST" } });
      if (mode === "off") return { query };
      const textHash = sha256(query);
      if (lookup(textHash) !== undefined) return { query };
      if (mode === "enforce") return notInList();
      void judge(textHash, typeof payload.operationName === "string" ? payload.operationName : undefined);
      return { query };
    },
  };
}

function persistedHash(extensions: unknown): string | undefined {
  const pq = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof pq?.sha256Hash === "string" ? pq.sha256Hash : undefined;
}

function defaultConsoleManifest(): string | null {
  try {
    return consoleManifestFile();
  } catch {
    return null; // not inside the concur-graph package (no console to serve either)
  }
}

/** Re-read at most this often, and only when asked for a hash it does not hold. */
const CONSOLE_RECHECK_MS = 1000;

/**
 * The console's manifest: read at start if its build wrote one, and again when a new build replaced it (the console
 * serves a rebuilt bundle without a restart, so its new operations must be known without one too).
 */
function consoleManifest(path: string | null, logger: Logger): { get(hash: string): string | undefined; operations(): number } {
  let current: TrustedManifest = new Map();
  let version: number | undefined; // mtime of what `current` was read from
  let checkedAt = -Infinity;
  const load = () => {
    checkedAt = performance.now();
    if (path === null) return;
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return; // not built (yet): nothing to trust; an older manifest stays until a new one is written
    }
    if (mtime === version) return;
    try {
      current = parseTrustedManifest(readFileSync(path, "utf8"), `the console's manifest ${path}`);
      version = mtime;
      logger.debug({ path, operations: new Set(current.values()).size }, "console's trusted documents loaded");
    } catch (error) {
      // Half written by a build in progress, most likely: keep what was read, try again on a later miss.
      logger.warn({ path, err: (error as Error).message }, "console's trusted-documents manifest unreadable; keeping the previous one");
    }
  };
  load();
  return {
    get(hash) {
      const found = current.get(hash);
      if (found !== undefined || performance.now() - checkedAt < CONSOLE_RECHECK_MS) return found;
      load();
      return current.get(hash);
    },
    operations: () => new Set(current.values()).size,
  };
}
