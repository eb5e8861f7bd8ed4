import { callerFromAuthorization, callerKeyOf, createRequestLoaders, ReadLog, type Caller, type RequestLoaders } from "./datasources/index.js";
import { assertCanAct, describeCaller, roleAtLeast, type CallerIdentity, type Role } from "./callers/index.js";
import { canonicalCompanyId } from "./company-id.js";
import { CodedError, ErrorCode } from "./errors.js";
import type { Services } from "./services/index.js";
import type { OperationWrites } from "./services/operation-writes.js";

/** Per-operation context, for HTTP requests and WebSocket subscriptions alike. */
export interface GatewayContext {
  services: Services;
  /**
   * Who acts on Concur for `companyId`, or a coded error: UNAUTHENTICATED without usable credentials, FORBIDDEN
   * (managed mode) when the caller may not act for that company with that role, checked before any upstream call.
   * Passthrough mode: the caller's own bearer token (Concur decides). Default role: read.
   */
  requireCaller(companyId: string, role?: Role): Caller;
  /** Managed mode: the authenticated caller (API key or JWT), or a coded error. */
  requireIdentity(role?: Role): CallerIdentity;
  /** Per-operation DataLoaders (federation references) of one company, built on first use. */
  loaders(companyId: string): RequestLoaders;
  /** This operation's cached reads and company checks (HTTP queries; see src/http/result-sharing.ts). */
  readLog?: ReadLog;
  /** Reads a parent field started for its children, by key (see erp.resolver.ts): taken over, not repeated. */
  prefetched?: Map<string, Promise<unknown>>;
  /** The write fields of this operation already queued (see services/operation-writes.ts). */
  operationWrites: OperationWrites;
  /** Called when execution starts (see services/write-arrivals.ts): the mutation is no longer "on its way". */
  executionStarted?: () => void;
}

/** What arrived with a request: the Authorization header (or graphql-ws connectionParams) and headers. */
export interface RequestCredentials {
  authorization?: string;
  apiKey?: string;
  correlationId?: string | string[];
  /** Called when this mutation starts executing (the batcher then stops waiting for it). */
  writesQueued?: () => void;
  /** Record the operation's cached reads so its answer can be shared (HTTP). Default true; subscriptions: false. */
  recordReads?: boolean;
}

const MISSING_TOKEN =
  "Send a Concur company access token: HTTP header `Authorization: Bearer <token>`, or for subscriptions connectionParams { authorization: \"Bearer <token>\" }.";

const MISSING_CREDENTIALS =
  "Send the gateway's API key (HTTP header `Authorization: Bearer cg_…` or `x-api-key`) or a JWT; for subscriptions connectionParams { authorization: \"Bearer …\" }.";

/** Builds the context; in managed mode the caller's API key or JWT is verified here (once per operation). */
export async function createContext(services: Services, credentials: RequestCredentials): Promise<GatewayContext> {
  const correlationId = typeof credentials.correlationId === "string" ? credentials.correlationId : undefined;
  const loaders = new Map<string, RequestLoaders>();
  const readLog = credentials.recordReads === false ? undefined : new ReadLog();
  const base = { services, operationWrites: {} as OperationWrites, executionStarted: credentials.writesQueued, readLog };
  const { connections, callers } = services;

  if (!connections || !callers) {
    const caller = callerFromAuthorization(credentials.authorization, correlationId);
    if (caller && readLog) caller.readLog = readLog;
    const requireCaller = () => {
      if (!caller) throw new CodedError(ErrorCode.UNAUTHENTICATED, MISSING_TOKEN);
      return caller;
    };
    return {
      ...base,
      requireCaller,
      requireIdentity: () => {
        throw new CodedError(ErrorCode.BAD_REQUEST, "Company connections are a managed-mode feature: start the gateway with CONCUR_AUTH_MODE=managed.");
      },
      loaders: (companyId) => loaderFor(loaders, companyId, () => createRequestLoaders(services.reader, requireCaller())),
    };
  }

  // Managed mode: credentials are the gateway's own (API key or JWT); a failure is reported by the field that needs them.
  let identity: CallerIdentity | undefined;
  let refusal: unknown;
  if (credentials.authorization || credentials.apiKey) {
    try {
      identity = await callers.authenticate({ authorization: credentials.authorization, apiKey: credentials.apiKey });
    } catch (error) {
      refusal = error;
    }
  }
  const requireIdentity = (role: Role = "read") => {
    if (!identity) throw refusal ?? new CodedError(ErrorCode.UNAUTHENTICATED, MISSING_CREDENTIALS);
    if (!roleAtLeast(identity.role, role)) throw new CodedError(ErrorCode.FORBIDDEN, `This operation needs role ${role}; ${describeCaller(identity)} has role ${identity.role}.`, { requiredRole: role });
    return identity;
  };
  const requireCaller = (rawCompanyId: string, role: Role = "read"): Caller => {
    // GraphQL arguments arrive canonical (schema/build.ts); ids from elsewhere (references, services) may not.
    const companyId = canonicalCompanyId(rawCompanyId);
    const who = requireIdentity("read");
    assertCanAct(who, companyId, role);
    // Cached pages are the company's (fetched with its token): shared by everyone allowed to act for it, and
    // keyed by the connection's epoch so nothing from an earlier connection is served after a reconnect.
    const caller: Caller = { authorization: "", key: callerKeyOf(connections.cacheEpoch(companyId)) };
    if (correlationId) caller.correlationId = correlationId;
    if (readLog) {
      caller.readLog = readLog;
      readLog.check(companyId, role, caller.key);
    }
    return caller;
  };
  return {
    ...base,
    requireCaller,
    requireIdentity,
    loaders: (companyId) => loaderFor(loaders, companyId, () => createRequestLoaders(services.reader, requireCaller(companyId))),
  };
}

function loaderFor(loaders: Map<string, RequestLoaders>, rawCompanyId: string, create: () => RequestLoaders): RequestLoaders {
  const companyId = canonicalCompanyId(rawCompanyId);
  let found = loaders.get(companyId);
  if (!found) {
    found = create();
    loaders.set(companyId, found);
  }
  return found;
}
