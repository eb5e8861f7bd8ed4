import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import { errorBody, ErrorCode, wholeRequestNeededStore } from "../errors.js";
import { looksLikeMutation, type WriteArrivals } from "../services/write-arrivals.js";
import type { CompiledQuery } from "graphql-jit";
import type { GatewayContext } from "../context.js";
import type { QueryCompiler } from "./executor.js";
import { answerByteLength, serializeAnswer } from "./answer-bytes.js";
import type { Answer, ResultSharing } from "./result-sharing.js";

type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** Reports one query answered by the fast path (Apollo's answers are reported by a plugin): name, whether it had errors, seconds. */
export type FastPathObserver = (operationName: string | undefined, hadErrors: boolean, seconds: number) => void;

/** Largest GraphQL request body accepted (bulk mutations carry records). */
export const MAX_GRAPHQL_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `POST /graphql` straight from node:http to Apollo Server (its documented integration API), without the
 * express router and body parser: this is the hot path of every query and mutation.
 *
 * Fast path: a query whose exact text Apollo already parsed, validated and ran is executed by its compiled
 * function and serialized with JSON.stringify, skipping Apollo's per-request pipeline.
 * Anything else (mutations, new texts, persisted queries, trace requests, request-level errors) goes
 * through Apollo.
 */
export function graphqlPostHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage, writesQueued?: () => void) => Promise<TContext>,
  compiler: QueryCompiler,
  formatError: FormatError,
  arrivals?: WriteArrivals,
  observe?: FastPathObserver,
  sharing?: ResultSharing,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      res.writeHead(status, { "content-type": "application/json" }).end(
        errorBody(ErrorCode.BAD_REQUEST, (error as Error).message),
      );
      return;
    }
    const fast = await answerValidatedQuery(body, req, context, compiler, formatError, sharing);
    if (fast !== undefined) {
      const accept = req.headers.accept ?? "";
      const contentType = accept.includes("application/graphql-response+json") ? "application/graphql-response+json; charset=utf-8" : "application/json; charset=utf-8";
      if (typeof fast.body === "string" || Buffer.isBuffer(fast.body)) {
        res.writeHead(200, { "content-type": contentType });
        res.end(fast.body);
      } else {
        // A large answer in chunks (answer-bytes.ts): its length up front, the chunks in one writev.
        res.writeHead(200, { "content-type": contentType, "content-length": answerByteLength(fast.body) });
        res.cork();
        for (const chunk of fast.body) res.write(chunk);
        res.end();
        res.uncork();
      }
      observe?.(fast.operationName, fast.hadErrors, (performance.now() - started) / 1000);
      return;
    }
    // A mutation on its way to the write queue holds the batcher's first window open (see write-arrivals.ts).
    const writesQueued = arrivals && looksLikeMutation(body) ? arrivals.expect() : undefined;
    try {
      await answerThroughApollo(apollo, req, res, body, (r) => context(r, writesQueued));
    } finally {
      writesQueued?.();
    }
  };
}

async function answerThroughApollo<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  context: (req: IncomingMessage) => Promise<TContext>,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  const queryAt = req.url?.indexOf("?") ?? -1;
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: queryAt >= 0 ? req.url!.slice(queryAt) : "", body },
    context: () => context(req),
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/** The serialized response when the fast path applies, else undefined (the request then goes through Apollo). */
async function answerValidatedQuery<TContext>(
  body: unknown,
  req: IncomingMessage,
  context: (req: IncomingMessage) => Promise<TContext>,
  compiler: QueryCompiler,
  formatError: FormatError,
  sharing: ResultSharing | undefined,
): Promise<Answer | undefined> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== "string" || extensions !== undefined) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") return undefined;
  if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) return undefined;
  // Federated trace requests need Apollo's inline-trace plugin.
  if (req.headers["apollo-federation-include-trace"] !== undefined) return undefined;
  const compiled = compiler.validatedQuery(query, operationName ?? undefined, (variables ?? undefined) as Record<string, unknown> | undefined);
  if (!compiled) return undefined;
  const contextValue = await context(req);
  const name = compiler.operationNameOf(query, operationName ?? undefined);
  const execute = () => executeCompiled(compiled, contextValue, variables, name, formatError);
  if (!sharing || !compiler.isRepeatable(query, operationName ?? undefined)) return execute();
  const key = sharing.keyOf(req, query, operationName ?? undefined, variables);
  return sharing.answer(key, contextValue as GatewayContext, execute);
}

async function executeCompiled(
  compiled: CompiledQuery,
  contextValue: unknown,
  variables: unknown,
  name: string | undefined,
  formatError: FormatError,
): Promise<Answer | undefined> {
  const result = await compiled.query(undefined, contextValue, (variables ?? {}) as Record<string, unknown>);
  // The text of JSON.stringify (compiled.stringify is JSON.stringify: executor.ts compiles without graphql-jit's
  // serializer), in chunks when large.
  if (!result.errors?.length) return { body: serializeAnswer(result), operationName: name, hadErrors: false };
  // Variables that do not coerce: nothing ran; let Apollo answer it with its status codes.
  if (!("data" in result) || result.data === undefined) return undefined;
  const errors = result.errors.map((error) => formatError(error.toJSON(), error));
  // Nothing answered because the store is down: Apollo answers it again, with its 503 and Retry-After (store-outage.ts).
  if (wholeRequestNeededStore(errors, result.data)) return undefined;
  return { body: serializeAnswer({ errors, data: result.data }), operationName: name, hadErrors: true };
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_GRAPHQL_BODY_BYTES) throw new BodyError(413, `Request body over ${MAX_GRAPHQL_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_GRAPHQL_BODY_BYTES) throw new BodyError(413, `Request body over ${MAX_GRAPHQL_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const type = req.headers["content-type"] ?? "";
  // Apollo answers a missing or foreign content type itself (CSRF prevention); only JSON is parsed here.
  if (size === 0 || !/^application\/(graphql-response\+)?json\b|^application\/json/i.test(type)) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new BodyError(400, "Request body is not valid JSON");
  }
}
