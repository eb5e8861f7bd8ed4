import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import type { GraphQLFormattedError } from "graphql";
import type { Tracing } from "../observability/tracing.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Name of an operation's span before its operation is known (a request that does not parse keeps it). */
export const OPERATION_SPAN = "graphql.operation";

/**
 * `POST /graphql` with one SERVER span per request (the operation span), a child of the caller's W3C `traceparent`
 * when it sends one, current while the request runs: upstream calls become its children, log lines carry its trace
 * id. Tracing off: `handler` itself (no per-request cost).
 */
export function withOperationSpans(tracing: Tracing, handler: Handler, path: string): Handler {
  if (!tracing.enabled) return handler;
  return (req, res) => {
    const { span, active } = startServerSpan(tracing, OPERATION_SPAN, req, path);
    return context.with(active, async () => {
      try {
        await handler(req, res);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: "request failed outside execution" });
        throw error;
      } finally {
        span.setAttribute("http.response.status_code", res.statusCode);
        span.end();
      }
    });
  };
}

/** The same for express routes (`GET /graphql?query=…`): the rest of the chain runs inside the span, ended when the response closes. */
export function operationSpanMiddleware(tracing: Tracing, path: string) {
  return serverSpanMiddleware(tracing, OPERATION_SPAN, path, false);
}

/**
 * One SERVER span per ESS webhook POST (`concur.webhook`), ended with the answer (202, 200 duplicate, 401, 503; ERROR
 * from 400 on); the work the accepted event starts (status reads, cache drops) runs under it.
 */
export function webhookSpanMiddleware(tracing: Tracing, path: string) {
  const traced = serverSpanMiddleware(tracing, WEBHOOK_SPAN, path, true);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => (req.method === "POST" ? traced(req, res, next) : next());
}

/** Name of the span of one ESS webhook POST. */
export const WEBHOOK_SPAN = "concur.webhook";

/** An express middleware running the rest of the chain inside a SERVER span ended when the response closes. Off: `next` at once. */
function serverSpanMiddleware(tracing: Tracing, name: string, path: string, httpErrorIsError: boolean) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!tracing.enabled) return next();
    const { span, active } = startServerSpan(tracing, name, req, path);
    res.once("close", () => {
      span.setAttribute("http.response.status_code", res.statusCode);
      if (httpErrorIsError && res.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: `answered ${res.statusCode}` });
      span.end();
    });
    context.with(active, next);
  };
}

function startServerSpan(tracing: Tracing, name: string, req: IncomingMessage, path: string) {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracing.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method ?? "GET", "url.path": path } }, parent);
  return { span, active: trace.setSpan(parent, span) };
}

/**
 * Names the current operation span after the operation Apollo resolved (`graphql.operation AccountsPage`, semconv
 * `graphql.operation.name` / `graphql.operation.type`) and marks it as an error when the answer has errors (the codes
 * as the status message). Registered only while tracing is on.
 */
export function operationTracingPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span) return;
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operation) nameOperation(span, operationName ?? undefined, operation.operation);
        },
        async willSendResponse({ response, errors }) {
          const body = response.body;
          const result = body.kind === "single" ? body.singleResult : body.initialResult;
          markErrors(span, (result.errors ?? errors) as readonly GraphQLFormattedError[] | undefined);
        },
      };
    },
  };
}

/** The fast path's report (it answers without Apollo's plugins): names the current operation span, marks errors. */
export function traceFastPathOperation(operationName: string | undefined, hadErrors: boolean): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  nameOperation(span, operationName, "query");
  if (hadErrors) span.setStatus({ code: SpanStatusCode.ERROR, message: "partial answer (errors beside data)" });
}

function nameOperation(span: Span, name: string | undefined, type: string): void {
  span.updateName(`${OPERATION_SPAN} ${name ?? type}`);
  span.setAttribute("graphql.operation.type", type);
  if (name !== undefined) span.setAttribute("graphql.operation.name", name);
}

function markErrors(span: Span, errors: readonly GraphQLFormattedError[] | readonly { extensions?: Record<string, unknown> }[] | undefined): void {
  if (!errors || errors.length === 0) return;
  const codes = new Set<string>();
  for (const error of errors) {
    const code = error.extensions?.code;
    codes.add(typeof code === "string" ? code : "INTERNAL_SERVER_ERROR");
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: [...codes].join(", ") });
}

/**
 * One SERVER span per subscription over WebSocket, covering its setup (tenant check, initial status: the upstream
 * calls it makes are its children), not its lifetime: a span open for hours would never be exported. Its parent is
 * the `traceparent` of the WebSocket upgrade request or of `connectionParams` (browsers cannot set headers on a
 * WebSocket). Tracing off: `subscribe()` itself.
 */
export function traceSubscriptionSetup<T>(
  tracing: Tracing,
  carriers: { headers?: Record<string, unknown>; connectionParams?: Record<string, unknown> },
  operationName: string | undefined,
  subscribe: () => Promise<T>,
): Promise<T> {
  if (!tracing.enabled) return subscribe();
  const carrier: Record<string, string> = {};
  for (const source of [carriers.headers, carriers.connectionParams]) {
    for (const [key, value] of Object.entries(source ?? {})) {
      const name = key.toLowerCase();
      if ((name === "traceparent" || name === "tracestate") && typeof value === "string") carrier[name] = value;
    }
  }
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  const span = tracing.tracer.startSpan(OPERATION_SPAN, { kind: SpanKind.SERVER, attributes: { "network.protocol.name": "websocket" } }, parent);
  nameOperation(span, operationName, "subscription");
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      const result = await subscribe();
      if (result && typeof result === "object" && "errors" in result) markErrors(span, (result as { errors?: readonly { extensions?: Record<string, unknown> }[] }).errors);
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: "subscription setup failed" });
      throw error;
    } finally {
      span.end();
    }
  });
}
