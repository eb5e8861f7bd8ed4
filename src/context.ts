import { callerFromAuthorization, createRequestLoaders, type Caller, type RequestLoaders } from "./concur/index.js";
import { CodedError, ErrorCode } from "./errors.js";
import type { Services } from "./services/index.js";
import type { OperationWrites } from "./services/operation-writes.js";

/** Per-operation context, for HTTP requests and WebSocket subscriptions alike. */
export interface GatewayContext {
  /** Null when no usable `Authorization: Bearer …` was sent; `requireCaller` turns that into a coded error. */
  caller: Caller | null;
  services: Services;
  /** The caller or UNAUTHENTICATED: every Concur call needs the caller's company token. */
  requireCaller(): Caller;
  /** Per-operation DataLoaders (federation references), built on first use. */
  loaders(): RequestLoaders;
  /** The write fields of this operation already queued (see services/operation-writes.ts). */
  operationWrites: OperationWrites;
}

const MISSING_TOKEN =
  "Send a Concur company access token: HTTP header `Authorization: Bearer <token>`, or for subscriptions connectionParams { authorization: \"Bearer <token>\" }.";

export function contextFromAuthorization(
  services: Services,
  authorization: string | undefined,
  correlationId?: string | string[],
): GatewayContext {
  const caller = callerFromAuthorization(authorization, typeof correlationId === "string" ? correlationId : undefined);
  let loaders: RequestLoaders | undefined;
  const requireCaller = () => {
    if (!caller) throw new CodedError(ErrorCode.UNAUTHENTICATED, MISSING_TOKEN);
    return caller;
  };
  return {
    caller,
    services,
    requireCaller,
    loaders: () => (loaders ??= createRequestLoaders(services.reader, requireCaller())),
    operationWrites: {},
  };
}
