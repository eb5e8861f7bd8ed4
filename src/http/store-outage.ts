// Managed mode: a request that needed the gateway's store and got nothing else answers HTTP 503 with Retry-After
// (a load balancer or client retries it), not 200 with errors. A partial answer (some fields answered from caches
// or Concur) stays 200, its store errors coded STORE_UNAVAILABLE with `retryAfterSeconds`.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { storeRetryAfterSeconds, wholeRequestNeededStore } from "../errors.js";

export function storeOutagePlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          const { errors, data } = response.body.singleResult;
          if (!wholeRequestNeededStore(errors, data)) return;
          response.http.status = 503;
          response.http.headers.set("retry-after", String(storeRetryAfterSeconds(errors!)));
        },
      };
    },
  };
}
