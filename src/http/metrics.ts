import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { GatewayMetrics, OperationOutcome } from "../observability/metrics.js";

/** The outcome label of one answered operation. */
export function operationOutcome(errors: readonly { extensions?: Record<string, unknown> }[] | undefined, hasData: boolean): OperationOutcome {
  if (!errors || errors.length === 0) return "ok";
  if (errors.some((error) => error.extensions?.operationLimit !== undefined)) return "refused";
  return hasData ? "partial" : "failed";
}

/** Counts and times every operation Apollo answers (the fast path reports its own, see `graphqlPostHandler`). */
export function operationMetricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, operation, operationName, errors }) {
          const body = response.body;
          const result = body.kind === "single" ? body.singleResult : body.initialResult;
          const data = "data" in result ? result.data : undefined;
          const formatted = (result.errors ?? errors) as readonly GraphQLFormattedError[] | undefined;
          metrics.operation(operationName ?? undefined, operation?.operation ?? "unknown", operationOutcome(formatted, data !== undefined && data !== null), (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/** The webhook handler with each answer's status counted. */
export function observedWebhook<H extends (req: IncomingMessage, res: ServerResponse) => void>(handler: H, metrics: GatewayMetrics): H {
  return ((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST") res.once("finish", () => metrics.webhookRequest(res.statusCode));
    handler(req, res);
  }) as H;
}

/** Counts running subscriptions over graphql-ws: started when an operation yields a stream, ended on complete (also after abrupt closes). */
export function subscriptionGauge(metrics: GatewayMetrics) {
  const running = new WeakMap<object, Set<string>>();
  return {
    onOperation(ctx: object, id: string, result: unknown): void {
      if (result === null || typeof result !== "object" || !(Symbol.asyncIterator in result)) return;
      let ids = running.get(ctx);
      if (!ids) running.set(ctx, (ids = new Set()));
      ids.add(id);
      metrics.subscriptionStarted();
    },
    onComplete(ctx: object, id: string): void {
      if (running.get(ctx)?.delete(id)) metrics.subscriptionEnded();
    },
  };
}
