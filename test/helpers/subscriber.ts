// A graphql-ws subscriber for e2e tests: collects every `next`, settles on complete or error.
import { print, type DocumentNode, type FormattedExecutionResult, type GraphQLFormattedError } from "graphql";
import { createClient } from "graphql-ws";
import { WebSocket } from "ws";
import { registerCleanup } from "./cleanup.js";

export interface Subscriber<T> {
  /** `data` of every `next` message, in arrival order. */
  readonly events: T[];
  /** Errors of an `error` message (or of a `next` with errors). */
  errors: readonly GraphQLFormattedError[] | undefined;
  completed: boolean;
  /** Settles on complete or error. */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/**
 * Subscribes over graphql-ws (Node 20 has no global WebSocket: `ws` is passed in); `token: null` sends none.
 * `query` is operation text or a document (test/generated/graphql.ts). The cleanup registry closes the client
 * after the test (or, when subscribed in a beforeAll, after the file) unless the test closes it first.
 */
export function subscribe<T = any>(url: string, token: string | null, query: string | DocumentNode, variables: Record<string, unknown>, operationName?: string): Subscriber<T> {
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const sub = { events: [] as T[], errors: undefined as readonly GraphQLFormattedError[] | undefined, completed: false } as Subscriber<T>;
  (sub as { done: Promise<void> }).done = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query: typeof query === "string" ? query : print(query), variables, ...(operationName === undefined ? {} : { operationName }) },
      {
        next: (result: FormattedExecutionResult<T>) => {
          if (result.errors) sub.errors = [...(sub.errors ?? []), ...result.errors];
          if (result.data) sub.events.push(result.data);
        },
        error: (error: unknown) => {
          sub.errors = Array.isArray(error) ? error : [{ message: String((error as { reason?: string })?.reason ?? error) }];
          resolve();
        },
        complete: () => {
          sub.completed = true;
          resolve();
        },
      },
    );
  });
  sub.close = registerCleanup(`graphql-ws subscriber at ${url}`, () => client.dispose());
  return sub;
}
