// The App Center landing URL: Concur redirects the admin's browser here after Connect with
// `?id=<company>&requestToken=<token>&userId=<admin>` (also `userID`). Binding a company to the partner needs an
// authenticated admin of the gateway (API key or JWT with the admin role for that company): an anonymous browser
// gets 401, never a connection (spec Q7). Partners put their own sign-in in front (see README).
import type { Request, Response } from "express";
import { createContext } from "../context.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/index.js";

const STATUS: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 503,
};

export function connectLandingHandler(services: Services, logger: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    const query = req.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === "string" ? (query[name] as string) : undefined);
    const companyId = text("id");
    const requestToken = text("requestToken");
    const userId = text("userId") ?? text("userID") ?? text("userid");
    res.set("cache-control", "no-store");
    if (!companyId || !requestToken) {
      res.status(400).json({ error: "Expected Concur's Connect redirect: ?id=<company UUID>&requestToken=<token>&userId=<user UUID>." });
      return;
    }
    try {
      if (!services.connections) throw new CodedError(ErrorCode.BAD_REQUEST, "Company connections need CONCUR_AUTH_MODE=managed.");
      const ctx = await createContext(services, {
        authorization: req.headers.authorization,
        apiKey: typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined,
      });
      ctx.requireCaller(companyId, "admin");
      const connection = await services.connections.connect(companyId, requestToken, userId);
      res.status(200).json({ connected: true, companyId: connection.companyId, state: connection.state, geolocation: connection.geolocation });
    } catch (error) {
      if (error instanceof CodedError) {
        const status = STATUS[error.code] ?? 400;
        if (status === 401) res.set("www-authenticate", 'Bearer realm="concur-graph"');
        res.status(status).json({ error: error.message, code: error.code });
        return;
      }
      logger.error({ err: error, companyId }, "connect landing failed");
      res.status(500).json({ error: "Internal server error", code: ErrorCode.INTERNAL_SERVER_ERROR });
    }
  };
}
