import { HeaderMap, type ApolloServerOptions } from "@apollo/server";
import { execute, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import { repeatableOperationChecker } from "./repeatable-operations.js";

type Gateway = NonNullable<ApolloServerOptions<Record<string, unknown>>["gateway"]>;

/**
 * Compiled queries (graphql-jit), shared by Apollo's executor and the fast path.
 *
 * Why: graphql-js interprets a query on every request; for a 100-edge connection that is about 0.55 ms of
 * CPU, graphql-jit's compiled function about 0.06 ms. Answers are serialized by JSON.stringify, not graphql-jit's
 * schema-aware serializer (fast-json-stringify), whose string escaping loop lost to it on every size measured: 0.38
 * against 0.50 ms of CPU per 100-edge answer, 9 against 15 ms per 5,000-edge one (cache on, answers not shared).
 * Queries only: mutations run through graphql-js, because their resolvers read the whole operation from
 * `info` (sibling writes are queued together) and they are not hot. A query graphql-jit cannot compile
 * falls back to graphql-js.
 */
export interface QueryCompiler {
  /** Apollo's executor (plugged in through its gateway interface, the only hook Apollo Server offers). */
  readonly gateway: Gateway;
  /**
   * A query whose exact text Apollo already parsed, validated and ran, compiled; undefined otherwise.
   * Only such texts are ever answered without Apollo's pipeline.
   */
  validatedQuery(text: string, operationName: string | undefined, variables?: Record<string, unknown>): CompiledQuery | undefined;
  /** The resolved operation name of a text the fast path knows (metrics label the same name Apollo resolved). */
  operationNameOf(text: string, operationName: string | undefined): string | undefined;
  /** Whether the answer of a text the fast path knows may be shared and reused (see repeatable-operations.ts). */
  isRepeatable(text: string, operationName: string | undefined): boolean;
  /** Texts the fast path knows and their approximate bytes (tests, metrics). */
  readonly cached: { readonly texts: number; readonly bytes: number };
}

/** Options of {@link createQueryCompiler}. */
export interface QueryCompilerOptions {
  /**
   * Budget of the fast path's compiled queries, approximate bytes: a compiled function and its serializer grow
   * with the text, so each entry weighs COMPILED_BYTES_PER_TEXT_BYTE × its text length. Config
   * `compiledQueryCacheBytes`, default 16 MiB.
   */
  maxBytes?: number;
  /** A refusal for this request's variables (the cost limit's variable part); the request then goes through Apollo, which refuses it. */
  requestCostError?: (document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined) => unknown;
}

/**
 * graphql-jit's compiled function, serializer and closures per byte of query text. Measured on heap after GC:
 * 400 compiled accounts + vendors queries of 286 characters took ~12.5 KB each, ~43 bytes per character.
 */
export const COMPILED_BYTES_PER_TEXT_BYTE = 44;

interface KnownText {
  query: CompiledQuery;
  document: DocumentNode;
  operationName: string | undefined;
  repeatable?: boolean;
}

export function createQueryCompiler(schema: GraphQLSchema, logger: Logger, options: QueryCompilerOptions = {}): QueryCompiler {
  // Apollo hands the same DocumentNode for the same query text (its document store), so compile once per document.
  const byDocument = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const byText = new LRUCache<string, KnownText>({
    maxSize: Math.max(1, options.maxBytes ?? 16 * 1024 * 1024),
    sizeCalculation: (_value, key) => Math.max(1, key.length * COMPILED_BYTES_PER_TEXT_BYTE),
  });
  const { requestCostError } = options;
  const isRepeatableDocument = repeatableOperationChecker(schema);
  const textKey = (text: string, operationName: string | undefined) => `${operationName ?? ""}\u0000${text}`;

  function compiledFor(document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
    let byOperation = byDocument.get(document);
    if (!byOperation) byDocument.set(document, (byOperation = new Map()));
    const key = operationName ?? "";
    let query = byOperation.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName, { customJSONSerializer: false });
      query = isCompiledQuery(result) ? result : null;
      if (!query) logger.debug({ errors: (result as ExecutionResult).errors }, "query not compiled; graphql-js executes it");
      byOperation.set(key, query);
    }
    return query;
  }

  const gateway: Gateway = {
    async load() {
      return {
        async executor(requestContext) {
          const { document, operation, operationName, context: contextValue, source } = requestContext;
          const variableValues = requestContext.request.variables ?? {};
          // No operation resolved (several and no operationName, or an unknown name): graphql-js answers the spec's
          // error ("Must provide operation name…", `Unknown operation named "X".`) without running anything, and
          // Apollo answers it with 400 (OPERATION_RESOLUTION_FAILURE).
          if (!operation) return execute({ schema, document, contextValue, variableValues, operationName: requestContext.request.operationName });
          // Executed over HTTP a subscription's field would run without an event; it is the caller's mistake (400).
          if (operation.operation === "subscription") throw subscriptionOverHttp();
          const query = operation.operation === "query" ? compiledFor(document, operationName ?? undefined) : null;
          if (!query) return execute({ schema, document, contextValue, variableValues, operationName });
          // Apollo validated this exact text: from now on the fast path may answer it.
          if (source) byText.set(textKey(source, requestContext.request.operationName ?? undefined), { query, document, operationName: operationName ?? undefined });
          const result = (await query.query(undefined, contextValue, variableValues)) as ExecutionResult;
          // No data: the request failed before execution (variables that do not coerce). graphql-js fails the
          // same way with the standard errors Apollo recognises (400, BAD_USER_INPUT); no resolver has run.
          if (result.data === undefined && result.errors?.length) return execute({ schema, document, contextValue, variableValues, operationName });
          return result;
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => {};
    },
    async stop() {},
  };

  return {
    gateway,
    validatedQuery(text, operationName, variables) {
      const known = byText.get(textKey(text, operationName));
      if (!known) return undefined;
      if (requestCostError && requestCostError(known.document, known.operationName, variables)) return undefined;
      return known.query;
    },
    operationNameOf: (text, operationName) => byText.peek(textKey(text, operationName))?.operationName,
    isRepeatable(text, operationName) {
      const known = byText.peek(textKey(text, operationName));
      if (!known) return false;
      known.repeatable ??= isRepeatableDocument(known.document);
      return known.repeatable;
    },
    get cached() {
      return { texts: byText.size, bytes: byText.calculatedSize };
    },
  };
}

/** A subscription sent over HTTP: 400, with where subscriptions are served. */
export function subscriptionOverHttp(): CodedError {
  return new CodedError(ErrorCode.BAD_REQUEST, "Subscriptions are served over WebSocket (graphql-ws protocol) on this same /graphql path; send queries and mutations over HTTP.", {
    http: { status: 400, headers: new HeaderMap() },
  });
}
