// The console's only way into the gateway: its public GraphQL API over HTTP (fetch) and graphql-ws.
// Every operation is a typed document generated from the graphql(`…`) calls in these sources (codegen.yml, client
// preset) and is sent by its hash only, as an automatic persisted query: the gateway trusts the console's
// persisted-documents.json in every TRUSTED_DOCUMENTS mode (docs/trusted-documents.md).
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "./gql/graphql.js";

/** Paths of this gateway's HTTP edge, from /console/settings.json (src/http/console.ts). */
export interface Settings {
  graphqlPath: string;
  connectPath?: string;
  publicUrl?: string;
  metricsPath?: string;
}

export type Role = "read" | "write" | "admin";

export interface Viewer {
  kind: string;
  keyId: string;
  role: Role;
  companies: string[];
}

const KEY_STORAGE = "concur-graph.console.apiKey";

/** The API key lives in sessionStorage: gone when the tab closes, never in localStorage or a cookie. */
export const storedKey = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export async function loadSettings(): Promise<Settings> {
  const res = await fetch("settings.json", { cache: "no-cache" });
  if (!res.ok) throw new Error(`settings.json: HTTP ${res.status}`);
  return (await res.json()) as Settings;
}

/** What the gateway answered with errors (HTTP status and its GraphQL errors). */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>,
  ) {
    super(errors.length > 0 ? errors.map((e) => e.message).join("; ") : `HTTP ${status}`);
  }
}

/** A GraphQL error in words: the gateway's message (it names the field, limit and value) and its code. */
export function describeError(error: unknown): string {
  if (error instanceof GatewayError) {
    if (error.errors.length > 0) return error.errors.map((e) => `${e.message}${e.extensions?.code ? ` (${String(e.extensions.code)})` : ""}`).join("; ");
    return `HTTP ${error.status}`;
  }
  if (Array.isArray(error)) return error.map((e: { message?: unknown }) => String(e?.message ?? e)).join("; ");
  return error instanceof Error ? error.message : String(error);
}

/** A generated document: its text and the hash the client preset put in its metadata (the manifest's id). */
type Document<R, V> = TypedDocumentString<R, V>;
/** Variables are optional only for an operation whose variables are all optional. */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface Api {
  request<R, V>(document: Document<R, V>, ...variables: VariablesArg<V>): Promise<R>;
  /** Subscribes; returns the unsubscribe function. `onError` gets the error in words. */
  subscribe<R, V>(document: Document<R, V>, variables: V, onData: (data: R) => void, onError?: (message: string) => void): () => void;
  /**
   * Resolves once the WebSocket is connected and the subscriptions asked for so far have been sent (at most
   * `timeoutMs` later, connected or not): an operation whose events a subscription must see is sent after this.
   */
  subscriptionsSent(timeoutMs?: number): Promise<void>;
  close(): void;
}

const NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND";

/** The request a document is sent as: its hash only; or its text, when a gateway did not know the hash. */
function payload<R, V>(document: Document<R, V>, variables: V | undefined, asText: boolean) {
  const text = document.toString();
  const operationName = /^\s*(?:query|mutation|subscription)\s+(\w+)/.exec(text)?.[1];
  if (asText) return { query: text, operationName, variables };
  const hash = String(document.__meta__?.hash ?? "").replace(/^sha256:/, "");
  return { operationName, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
}

const notFound = (errors: ReadonlyArray<{ extensions?: Record<string, unknown> }> | undefined) => errors?.some((e) => e.extensions?.code === NOT_FOUND) === true;

export function createApi(settings: Settings, apiKey: string): Api {
  const httpUrl = new URL(settings.graphqlPath, window.location.href).toString();
  const post = async (body: unknown): Promise<{ status: number; data?: unknown; errors?: GatewayError["errors"] }> => {
    const res = await fetch(httpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(body),
    });
    const answer = (await res.json().catch(() => ({}))) as { data?: unknown; errors?: GatewayError["errors"] };
    return { status: res.status, ...answer };
  };
  let ws: Client | undefined;
  let connected = false;
  let onConnected: Array<() => void> = [];
  const wsClient = () =>
    (ws ??= createClient({
      url: httpUrl.replace(/^http/, "ws"),
      connectionParams: { Authorization: `Bearer ${apiKey}` },
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      on: {
        connected: () => {
          connected = true;
          const waiting = onConnected;
          onConnected = [];
          for (const wake of waiting) wake();
        },
        closed: () => {
          connected = false;
        },
      },
    }));
  return {
    async request<R, V>(document: Document<R, V>, ...[variables]: VariablesArg<V>): Promise<R> {
      let answer = await post(payload(document, variables, false));
      // A gateway that does not know the hash (another version behind the same address): the text instead, without the
      // hash (the manifest holds the preset's normalized print, so the SHA-256 of this text is not the hash).
      if (notFound(answer.errors)) answer = await post(payload(document, variables, true));
      if (answer.errors?.length || answer.data == null) throw new GatewayError(answer.status, answer.errors ?? []);
      return answer.data as R;
    },
    subscribe<R, V>(document: Document<R, V>, variables: V, onData: (data: R) => void, onError?: (message: string) => void) {
      let stop: () => void = () => undefined;
      let stopped = false;
      const start = (asText: boolean) => {
        const { query = "", ...rest } = payload(document, variables, asText) as { query?: string };
        stop = wsClient().subscribe<R>(
          // graphql-ws wants a string query: empty when the hash alone names the operation.
          { query, ...(rest as object) },
          {
            next: (result) => {
              if (result.errors?.length) onError?.(result.errors.map((e) => e.message).join("; "));
              else if (result.data) onData(result.data as R);
            },
            error: (error) => {
              if (!asText && !stopped && Array.isArray(error) && notFound(error)) return start(true);
              onError?.(describeError(error));
            },
            complete: () => undefined,
          },
        );
      };
      start(false);
      return () => {
        stopped = true;
        stop();
      };
    },
    subscriptionsSent(timeoutMs = 3000) {
      return new Promise<void>((resolve) => {
        // graphql-ws emits `connected` before it sends the subscribe messages it queued: a macrotask later they are out.
        const sent = () => setTimeout(resolve, 0);
        if (connected) return sent();
        const timer = setTimeout(resolve, timeoutMs);
        onConnected.push(() => {
          clearTimeout(timer);
          sent();
        });
      });
    },
    close: () => void ws?.dispose(),
  };
}

export const isAdmin = (viewer: Viewer) => viewer.role === "admin";
export const canWrite = (viewer: Viewer) => viewer.role === "write" || viewer.role === "admin";
