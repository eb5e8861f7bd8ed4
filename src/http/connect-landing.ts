// The App Center landing URL (CONNECT_PATH). Concur redirects the browser of the customer's admin who clicked Connect
// here with `?id=<company UUID>&requestToken=<token>&userId=<admin UUID>` (also `userID`; the UUIDs may come in upper
// case). The request token is the credential: Concur issues it only for this app, for 24 h, and this page uses it
// once (connect-log.ts). So a browser with no header completes the exchange and gets a page a person understands;
// with CONNECT_SIGN_IN=oidc the person first signs in with the partner's own identity provider, and who connected
// is recorded. API clients (`Accept: application/json`) get JSON; if they send the gateway's credentials, those must
// be an admin's of the company.
//
// Routes: GET <path> (the redirect), GET <path>/callback (the sign-in provider's answer), GET <path>/done (the result,
// after a redirect that takes the token out of the address bar and makes a reload harmless).
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Express, Request, Response } from "express";
import type { ResolvedGatewayConfig } from "../config.js";
import { canonicalCompanyId } from "../company-id.js";
import { createContext } from "../context.js";
import { callerKeyOf } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Services } from "../services/index.js";
import { createSealedCookies } from "./connect-cookies.js";
import { createConnectLimits } from "./connect-limits.js";
import { dataCenterOf, FAILURE_STATUS, failureWords, sendPage, setPageHeaders, type ConnectedView, type FailedView, type FailureReason, type PageView, type PageWording } from "./connect-page.js";
import { createConnectSignIn, SignInError, type SignedInPerson, type SignInStart } from "./connect-sign-in.js";

export interface ConnectLandingOptions {
  services: Services;
  logger: Logger;
  config: ResolvedGatewayConfig;
  /** The gateway's own origin once started (redirect URI default when PUBLIC_URL is unset). */
  origin: () => string | undefined;
}

/** Pending sign-in, sealed in a cookie named after its state: the Connect redirect waiting for the person. */
interface PendingConnect {
  companyId: string;
  requestToken: string;
  userId?: string;
  redirectUri: string;
  checks: SignInStart["checks"];
}

interface Outcome {
  view: PageView;
  /** A coded error of the gateway for JSON clients. */
  code?: ErrorCode;
  /** Safe message for JSON clients. */
  detail?: string;
  json?: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STATE = /^[A-Za-z0-9_-]{16,128}$/;
const RESULT_COOKIE = "cg_connect_result";
const PENDING_COOKIE = (state: string) => `cg_connect_${state}`;
const SIGN_IN_MS = 10 * 60_000;
const RESULT_MS = 10 * 60_000;
const PROFILE_WAIT_MS = 5_000;

const JSON_CODE: Record<FailureReason, ErrorCode> = {
  INCOMPLETE_LINK: ErrorCode.BAD_USER_INPUT,
  ALREADY_USED: ErrorCode.CONFLICT,
  IN_PROGRESS: ErrorCode.CONFLICT,
  LINK_REFUSED: ErrorCode.BAD_USER_INPUT,
  OTHER_APP: ErrorCode.BAD_USER_INPUT,
  APP_NOT_ENABLED: ErrorCode.BAD_USER_INPUT,
  CONCUR_UNAVAILABLE: ErrorCode.UPSTREAM_UNAVAILABLE,
  SIGN_IN_UNAVAILABLE: ErrorCode.UPSTREAM_UNAVAILABLE,
  RATE_LIMITED: ErrorCode.RATE_LIMITED,
  NOT_ALLOWED: ErrorCode.FORBIDDEN,
  SIGN_IN_FAILED: ErrorCode.UNAUTHENTICATED,
  SIGN_IN_EXPIRED: ErrorCode.UNAUTHENTICATED,
  NO_RESULT: ErrorCode.NOT_FOUND,
  INTERNAL: ErrorCode.INTERNAL_SERVER_ERROR,
};

/** Failures a reload can fix (the link stays in the address bar); every other outcome is shown after a redirect. */
const RETRYABLE = new Set<FailureReason>(["CONCUR_UNAVAILABLE", "SIGN_IN_UNAVAILABLE", "RATE_LIMITED", "INTERNAL"]);

/** Mounts the Connect landing routes (managed mode). */
export function mountConnectLanding(app: Express, options: ConnectLandingOptions): void {
  const { services, logger, config } = options;
  const managed = config.managed!;
  const page = config.connectPage;
  const base = managed.connectPath.replace(/\/+$/, "") || "/";
  const sub = (name: string) => `${base === "/" ? "" : base}/${name}`;
  const wording: PageWording = { appName: page.appName, supportContact: page.supportContact };
  const publicBase = page.oidc?.redirectUrl ?? config.files.publicUrl;
  const cookies = createSealedCookies({ encryptionKeys: managed.encryptionKeys, path: base, secure: publicBase?.startsWith("https:") ?? false });
  const limits = createConnectLimits({ perIp: page.ratePerIp, perCompany: page.ratePerCompany, windowSeconds: page.rateWindowSeconds, redis: services.sharedRedis });
  const signIn = page.signIn === "oidc" && page.oidc ? createConnectSignIn(page.oidc) : undefined;

  const failed = (reason: FailureReason, extra: Partial<FailedView> & { detail?: string; code?: ErrorCode } = {}): Outcome => {
    const { detail, code, ...rest } = extra;
    return { view: { kind: "failed", reason, reference: randomUUID(), ...rest }, detail, code };
  };

  /** Sends an outcome: JSON to API clients; to browsers the page, directly or after a redirect to /done. */
  function deliver(res: Response, outcome: Outcome, wantsJson: boolean, viaRedirect = true): void {
    const { view } = outcome;
    if (wantsJson) {
      setPageHeaders(res);
      if (view.kind === "connected") {
        res.status(200).json({ connected: true, ...outcome.json });
        return;
      }
      const words = failureWords(view, wording);
      res.status(FAILURE_STATUS[view.reason]).json({
        error: outcome.detail ?? `${words.title}. ${words.what} ${words.todo}`,
        code: outcome.code ?? JSON_CODE[view.reason],
        reason: view.reason,
        ...(view.concurCode ? { concurCode: view.concurCode } : {}),
        reference: view.reference,
      });
      return;
    }
    if (viaRedirect && !(view.kind === "failed" && RETRYABLE.has(view.reason))) {
      cookies.set(res, RESULT_COOKIE, "result", view, RESULT_MS);
      setPageHeaders(res);
      // A fixed path on this gateway: nothing from the request chooses where the browser goes.
      res.redirect(303, sub("done"));
      return;
    }
    sendPage(res, view.kind === "connected" ? 200 : FAILURE_STATUS[view.reason], view, wording);
  }

  async function companyName(companyId: string): Promise<string | undefined> {
    if (!config.files.profileV1 || !services.connections) return undefined;
    const caller = { authorization: "", key: callerKeyOf(services.connections.cacheEpoch(companyId)) };
    const giveUp = new AbortController();
    try {
      // The page waits a few seconds at most for the name; the connection is made either way.
      const profile = await Promise.race([services.posting.files.getCompanyProfile(caller, companyId), delay(PROFILE_WAIT_MS, undefined, { signal: giveUp.signal })]);
      return profile?.name ?? undefined;
    } catch (err) {
      logger.info({ companyId, code: (err as CodedError).code }, "the Connect page could not read the company's Profile (name not shown)");
      return undefined;
    } finally {
      giveUp.abort();
    }
  }

  /** The exchange itself: the token claimed once, exchanged, the connection recorded with who made it. */
  async function exchange(companyId: string, requestToken: string, userId: string | undefined, person: SignedInPerson | undefined): Promise<Outcome> {
    const connections = services.connections!;
    const log = services.connectLog!;
    const claim = await log.claim(requestToken, companyId);
    if (!claim.claimed) {
      if (claim.state === "CONNECTED") return failed("ALREADY_USED", { companyId, usedAt: claim.companyId === companyId ? claim.connectedAt : undefined });
      return failed("IN_PROGRESS", { companyId });
    }
    let connection;
    try {
      connection = await connections.connect(companyId, requestToken, userId);
    } catch (error) {
      await log.release(requestToken).catch((err: unknown) => logger.warn({ err, companyId }, "could not release a request token claim"));
      if (error instanceof CodedError && error.code === ErrorCode.BAD_USER_INPUT) {
        const concurCode = typeof error.extensions.upstreamErrorCode === "string" && error.extensions.upstreamErrorCode !== "" ? error.extensions.upstreamErrorCode : undefined;
        const reason: FailureReason = concurCode === "136" ? "OTHER_APP" : concurCode === "53" ? "APP_NOT_ENABLED" : "LINK_REFUSED";
        const outcome = failed(reason, { companyId, concurCode, detail: error.message });
        logger.info({ companyId, concurUserId: userId, concurCode, reference: (outcome.view as FailedView).reference }, "Concur refused a Connect link");
        return outcome;
      }
      if (error instanceof CodedError && (error.code === ErrorCode.UPSTREAM_UNAVAILABLE || error.code === ErrorCode.UPSTREAM_TIMEOUT)) {
        return failed("CONCUR_UNAVAILABLE", { companyId, concurCode: /\((?:code|HTTP) (\d+)\)/.exec(error.message)?.[1], detail: error.message });
      }
      const outcome = failed("INTERNAL", { companyId });
      logger.error({ err: error, companyId, reference: (outcome.view as FailedView).reference }, "the Connect page could not connect a company");
      return outcome;
    }
    await log
      .complete(requestToken, connection.connectedAt, { concurUserId: userId, signedInAs: person?.description })
      .catch((err: unknown) => logger.warn({ err, companyId }, "could not record who connected a company"));
    const view: ConnectedView = {
      kind: "connected",
      companyId: connection.companyId,
      companyName: await companyName(connection.companyId),
      dataCenter: dataCenterOf(connection.geolocation),
      concurUserId: userId,
      signedInAs: person?.description,
      connectedAt: connection.connectedAt,
    };
    logger.info({ companyId, concurUserId: userId, signedInAs: person?.description, geolocation: connection.geolocation }, "company connected through the Connect page");
    return {
      view,
      json: { companyId: connection.companyId, state: connection.state, geolocation: connection.geolocation, dataCenter: view.dataCenter.label, companyName: view.companyName ?? null, connectedBy: person?.description ?? null },
    };
  }

  const limited = async (kind: "ip" | "company", key: string, res: Response): Promise<Outcome | undefined> => {
    const waitMs = await limits.overLimit(kind, key);
    if (waitMs === undefined) return undefined;
    res.set("retry-after", String(Math.ceil(waitMs / 1000)));
    return failed("RATE_LIMITED", { retryAfterMinutes: Math.ceil(waitMs / 60_000) });
  };
  const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

  app.get(base, async (req, res) => {
    const wantsJson = req.accepts(["json", "html"]) === "json";
    try {
      const ipLimited = await limited("ip", clientIp(req), res);
      if (ipLimited) return deliver(res, ipLimited, wantsJson, false);
      const query = req.query as Record<string, unknown>;
      const text = (name: string) => (typeof query[name] === "string" && (query[name] as string).trim() !== "" ? (query[name] as string).trim() : undefined);
      const rawId = text("id");
      const requestToken = text("requestToken");
      const rawUser = text("userId") ?? text("userID") ?? text("userid");
      const companyId = rawId === undefined ? undefined : canonicalCompanyId(rawId);
      if (!companyId || !requestToken || !UUID.test(companyId)) {
        return deliver(res, failed("INCOMPLETE_LINK", { detail: "Expected Concur's Connect redirect: ?id=<company UUID>&requestToken=<token>&userId=<user UUID>." }), wantsJson);
      }
      const userId = rawUser === undefined ? undefined : canonicalCompanyId(rawUser);
      const companyLimited = await limited("company", companyId, res);
      if (companyLimited) return deliver(res, companyLimited, wantsJson, false);

      // Credentials sent: they must be an admin's of this company (a partner's server-side call).
      const apiKey = typeof req.headers["x-api-key"] === "string" ? req.headers["x-api-key"] : undefined;
      if (req.headers.authorization || apiKey) {
        const ctx = await createContext(services, { authorization: req.headers.authorization, apiKey });
        try {
          ctx.requireCaller(companyId, "admin");
        } catch (error) {
          if (!(error instanceof CodedError)) throw error;
          if (error.code === ErrorCode.UNAUTHENTICATED) res.set("www-authenticate", 'Bearer realm="concur-graph"');
          const outcome = failed(error.code === ErrorCode.UNAUTHENTICATED ? "SIGN_IN_FAILED" : "NOT_ALLOWED", { companyId, detail: error.message, code: error.code });
          return deliver(res, outcome, wantsJson, false);
        }
        return deliver(res, await exchange(companyId, requestToken, userId, undefined), wantsJson);
      }

      if (signIn) {
        if (wantsJson) {
          res.set("www-authenticate", 'Bearer realm="concur-graph"');
          return deliver(res, failed("SIGN_IN_FAILED", { companyId, code: ErrorCode.UNAUTHENTICATED, detail: "This gateway asks the person connecting to sign in: open the Connect link in a browser, or send an admin API key of the company." }), true);
        }
        // A link already used is said at once, not after the person has signed in for nothing.
        const used = await services.connectLog!.usedBefore(requestToken);
        if (used) return deliver(res, failed("ALREADY_USED", { companyId, usedAt: used.companyId === companyId ? used.connectedAt : undefined }), false);
        const origin = page.oidc!.redirectUrl ? undefined : (config.files.publicUrl ?? options.origin());
        const redirectUri = page.oidc!.redirectUrl ?? `${origin}${sub("callback")}`;
        let start: SignInStart;
        try {
          start = await signIn.start(redirectUri);
        } catch (err) {
          const outcome = failed("SIGN_IN_UNAVAILABLE", { companyId });
          logger.warn({ err, reference: (outcome.view as FailedView).reference }, "the sign-in provider of the Connect page is not reachable");
          return deliver(res, outcome, false, false);
        }
        const pending: PendingConnect = { companyId, requestToken, userId, redirectUri, checks: start.checks };
        cookies.set(res, PENDING_COOKIE(start.checks.state), "pending", pending, SIGN_IN_MS);
        setPageHeaders(res);
        // The configured provider's authorization endpoint, never an address taken from the request.
        return res.redirect(302, start.url);
      }

      return deliver(res, await exchange(companyId, requestToken, userId, undefined), wantsJson);
    } catch (err) {
      const outcome = failed("INTERNAL");
      logger.error({ err, reference: (outcome.view as FailedView).reference }, "Connect landing failed");
      return deliver(res, outcome, wantsJson, false);
    }
  });

  if (signIn) {
    app.get(sub("callback"), async (req, res) => {
      try {
        const ipLimited = await limited("ip", clientIp(req), res);
        if (ipLimited) return deliver(res, ipLimited, false, false);
        const state = typeof req.query.state === "string" && STATE.test(req.query.state) ? req.query.state : undefined;
        const pending = state ? cookies.get<PendingConnect>(req, PENDING_COOKIE(state), "pending") : undefined;
        if (state) cookies.clear(res, PENDING_COOKIE(state));
        if (!pending) return deliver(res, failed("SIGN_IN_EXPIRED"), false);
        const at = req.originalUrl.indexOf("?");
        const callbackUrl = new URL(pending.redirectUri);
        callbackUrl.search = at >= 0 ? req.originalUrl.slice(at) : "";
        let person: SignedInPerson;
        try {
          person = await signIn.finish(callbackUrl, pending.checks);
        } catch (error) {
          if (!(error instanceof SignInError)) throw error;
          const outcome = failed("SIGN_IN_FAILED", { companyId: pending.companyId, signInError: error.code });
          logger.info({ companyId: pending.companyId, signInError: error.code, reference: (outcome.view as FailedView).reference }, "sign-in on the Connect page failed");
          return deliver(res, outcome, false);
        }
        return deliver(res, await exchange(pending.companyId, pending.requestToken, pending.userId, person), false);
      } catch (err) {
        const outcome = failed("INTERNAL");
        logger.error({ err, reference: (outcome.view as FailedView).reference }, "Connect sign-in callback failed");
        return deliver(res, outcome, false, false);
      }
    });
  }

  app.get(sub("done"), (req, res) => {
    const view = cookies.get<PageView>(req, RESULT_COOKIE, "result");
    if (!view) return sendPage(res, 404, { kind: "failed", reason: "NO_RESULT", reference: randomUUID() }, wording);
    return sendPage(res, view.kind === "connected" ? 200 : FAILURE_STATUS[view.reason], view, wording);
  });
}
