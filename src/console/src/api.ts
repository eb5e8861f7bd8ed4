// The console's only way into the gateway: its public GraphQL API over HTTP (graphql-request) and graphql-ws.
import { ClientError, GraphQLClient } from "graphql-request";
import { createClient, type Client } from "graphql-ws";

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

/** A GraphQL error in words: the gateway's message (it names the field, limit and value) and its code. */
export function describeError(error: unknown): string {
  if (error instanceof ClientError) {
    const errors = error.response.errors ?? [];
    if (errors.length > 0) return errors.map((e) => `${e.message}${e.extensions?.code ? ` (${String(e.extensions.code)})` : ""}`).join("; ");
    return `HTTP ${error.response.status}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Api {
  request<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Subscribes; returns the unsubscribe function. `onError` gets the error in words. */
  subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError?: (message: string) => void): () => void;
  close(): void;
}

export function createApi(settings: Settings, apiKey: string): Api {
  const httpUrl = new URL(settings.graphqlPath, window.location.href).toString();
  const client = new GraphQLClient(httpUrl, { headers: { authorization: `Bearer ${apiKey}` } });
  let ws: Client | undefined;
  const wsClient = () =>
    (ws ??= createClient({
      url: httpUrl.replace(/^http/, "ws"),
      connectionParams: { Authorization: `Bearer ${apiKey}` },
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
    }));
  return {
    request: <T,>(query: string, variables?: Record<string, unknown>) => client.request<T>(query, variables),
    subscribe<T>(query: string, variables: Record<string, unknown>, onData: (data: T) => void, onError?: (message: string) => void) {
      return wsClient().subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) onError?.(result.errors.map((e) => e.message).join("; "));
            else if (result.data) onData(result.data as T);
          },
          error: (error) => onError?.(describeError(error)),
          complete: () => undefined,
        },
      );
    },
    close: () => void ws?.dispose(),
  };
}

export const isAdmin = (viewer: Viewer) => viewer.role === "admin";
export const canWrite = (viewer: Viewer) => viewer.role === "write" || viewer.role === "admin";
