import { isAsyncIterable, mapAsyncIterator } from "@graphql-tools/utils";
import {
  createSourceEventStream,
  type ExecutionResult,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";
import { COMPILED_BYTES_PER_TEXT_BYTE } from "./executor.js";
import { withoutSuggestions } from "./limits.js";

/** What graphql-ws hands `onSubscribe`: the client's operation. */
interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Options of {@link createWsOperations}. */
export interface WsOperationsOptions {
  /** The operation limits, as over HTTP: the parser's token limit and the validation rules (aliases, depth, cost…). */
  parseOptions: ParseOptions;
  validationRules: readonly ValidationRule[];
  hideSuggestions: boolean;
  /** Budget of known operation texts, approximate bytes (as the HTTP fast path's, see executor.ts). Default 8 MiB. */
  maxBytes?: number;
}

/** The graphql-ws hooks: `onSubscribe` (parse + validate once per text) and `subscribe`. */
export interface WsOperations {
  onSubscribe(payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[];
  subscribe(args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult>;
}

interface KnownOperation {
  document?: DocumentNode;
  errors?: readonly GraphQLError[];
  compiled?: CompiledQuery | null;
}

/**
 * Subscriptions over WebSocket. Why: a webhook fans out to every subscriber, and graphql-js re-coerces variables
 * and interprets the selection for each subscriber on each event; graphql-jit's compiled function does the same
 * work once per text. And 1,000 subscribers of the same operation share one parsed document instead of holding
 * 1,000 copies. The limits are the HTTP ones (graphql-ws's own parse has no token limit).
 */
export function createWsOperations(schema: GraphQLSchema, options: WsOperationsOptions): WsOperations {
  const known = new LRUCache<string, KnownOperation>({
    maxSize: Math.max(1, options.maxBytes ?? 8 * 1024 * 1024),
    sizeCalculation: (_value, key) => Math.max(1, key.length * COMPILED_BYTES_PER_TEXT_BYTE),
  });
  const byDocument = new WeakMap<DocumentNode, KnownOperation>();
  const allRules = [...specifiedRules, ...options.validationRules];

  function learn(query: string): KnownOperation {
    let document: DocumentNode;
    try {
      document = parse(query, options.parseOptions);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] };
    }
    const errors = validate(schema, document, allRules);
    if (errors.length) return { errors: options.hideSuggestions ? withoutSuggestions(errors) : errors };
    const operation: KnownOperation = { document };
    byDocument.set(document, operation);
    return operation;
  }

  function compiledFor(args: ExecutionArgs): CompiledQuery | null {
    const operation = byDocument.get(args.document);
    if (!operation) return null;
    if (operation.compiled === undefined) {
      const result = compileQuery(schema, args.document, args.operationName ?? undefined);
      operation.compiled = isCompiledQuery(result) ? result : null;
    }
    return operation.compiled;
  }

  return {
    onSubscribe(payload) {
      if (typeof payload?.query !== "string") return [new GraphQLError("Send the operation text in `query`.")];
      const key = `${payload.operationName ?? ""}\u0000${payload.query}`;
      let operation = known.get(key);
      if (!operation) {
        operation = learn(payload.query);
        known.set(key, operation);
      }
      if (operation.errors) return operation.errors;
      // The operation to run must be known before anything runs: an error message (as HTTP's 400), not a stream.
      const unresolved = operationResolutionError(operation.document!, payload.operationName ?? undefined);
      if (unresolved) return [unresolved];
      // Variables are checked here too, so a missing or mistyped one is BAD_USER_INPUT naming it (as HTTP's 400),
      // not an execution error that would reach the caller as INTERNAL_SERVER_ERROR.
      const definitions = getOperationAST(operation.document!, payload.operationName ?? undefined)!.variableDefinitions ?? [];
      const coerced = getVariableValues(schema, definitions, payload.variables ?? {}, { maxErrors: 20 });
      if (coerced.errors) return coerced.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "BAD_USER_INPUT" } }));
      return { schema, document: operation.document!, operationName: payload.operationName, variableValues: payload.variables };
    },
    async subscribe(args) {
      // One document per (operation name, text), so its compiled function is that operation's.
      const compiled = compiledFor(args);
      if (!compiled) return subscribe(args);
      // The source stream from graphql-js (graphql-jit 0.8's own subscribe hands the subscribe resolver the
      // operation's variables as its arguments); each event then runs through the compiled selection.
      const source = await createSourceEventStream(args);
      if (!isAsyncIterable(source)) return source;
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      return mapAsyncIterator(source, (payload) => compiled.query(payload, args.contextValue, variables) as Promise<ExecutionResult>);
    },
  };
}

/**
 * The GraphQL spec's error (GetOperation, as graphql-js words it) when `operationName` does not pick exactly one
 * operation of the document: several and no name, or a name the document does not define.
 */
export function operationResolutionError(document: DocumentNode, operationName: string | undefined): GraphQLError | undefined {
  if (getOperationAST(document, operationName)) return undefined;
  if (operationName !== undefined) return new GraphQLError(`Unknown operation named "${operationName}".`);
  const operations = document.definitions.filter((definition) => definition.kind === "OperationDefinition").length;
  return new GraphQLError(operations === 0 ? "Must provide an operation." : "Must provide operation name if query contains multiple operations.");
}
