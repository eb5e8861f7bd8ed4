import { randomUUID } from "node:crypto";
import type { ConfigSection } from "./api.js";
import { EMULATOR_CLIENT_ID } from "./auth.js";
import type { CoreContext } from "./context.js";
import { badRequest } from "./errors.js";
import { parseFaults } from "./faults.js";
import { json, type Reply, type RequestContext } from "./http.js";
import type { Router } from "./router.js";
import type { JsonValue, ValidationError } from "./types.js";
import { isObject, isUuid } from "./validation.js";

export const ADMIN = "/_emulator";

export type AdminHandler = (req: RequestContext) => Promise<Reply>;

/** Adds one admin route (no auth, no faults, not counted). */
export function addAdmin(router: Router, method: string, template: string, handler: AdminHandler): void {
  router.add({ method, template, kind: "admin", handler });
}

/** Parses an admin JSON object body; an empty body is `{}` when `optional`. */
export async function adminBody(req: RequestContext, optional = false): Promise<Record<string, JsonValue>> {
  if (optional && (await req.body()).length === 0) return {};
  const body = await req.json();
  if (!isObject(body)) throw badRequest("Body must be a JSON object");
  return body;
}

export interface CoreAdminHooks {
  /** Resets the whole instance (core, then every API). */
  reset(): void;
  /** Config sections of the installed APIs, merged into GET/PUT /_emulator/config. */
  configSections: readonly ConfigSection[];
}

/**
 * The shared admin / inspection API: counters, reset, faults, config, clock, ESS subscribers, companies, tokens.
 * It plays the parts of Concur nobody can call (the customer admin UI, ESS configuration) and lets tests inspect
 * and reset the emulator. API-specific admin routes live in each API's folder.
 */
export function addCoreAdminRoutes(router: Router, ctx: CoreContext, hooks: CoreAdminHooks): void {
  const add = (method: string, template: string, handler: AdminHandler) => addAdmin(router, method, template, handler);

  add("GET", `${ADMIN}/counters`, async () =>
    json(200, { counters: ctx.counters.snapshot(), webhooks: ctx.webhooks.outcomeCounts() }));
  add("POST", `${ADMIN}/counters/reset`, async () => {
    ctx.counters.reset();
    ctx.webhooks.resetCounters();
    return { status: 204 };
  });
  add("POST", `${ADMIN}/reset`, async () => {
    hooks.reset();
    return { status: 204 };
  });
  add("GET", `${ADMIN}/public-key`, async () => ({ status: 200, body: ctx.publicKeyPem, contentType: "application/x-pem-file" }));

  add("GET", `${ADMIN}/faults`, async () => json(200, ctx.faults));
  add("PUT", `${ADMIN}/faults`, async (req) => {
    Object.assign(ctx.faults, parseFaults(await req.json()));
    return json(200, ctx.faults);
  });

  const configView = () => {
    const view: Record<string, unknown> = {};
    for (const section of hooks.configSections) Object.assign(view, section.view());
    return { ...view, webhookRetryBaseMs: ctx.config.webhookRetryBaseMs };
  };
  add("GET", `${ADMIN}/config`, async () => json(200, configView()));
  add("PUT", `${ADMIN}/config`, async (req) => {
    const body = await adminBody(req);
    const errors: ValidationError[] = hooks.configSections.flatMap((s) => s.validate(body));
    if (errors.length > 0) throw badRequest("Invalid config", errors);
    for (const section of hooks.configSections) section.apply(body);
    return json(200, configView());
  });

  add("POST", `${ADMIN}/clock/advance`, async (req) => {
    const { ms } = await adminBody(req);
    if (typeof ms !== "number" || ms < 0) throw badRequest("ms must be a number ≥ 0");
    ctx.advanceClock(ms);
    return json(200, { now: new Date(ctx.now()).toISOString() });
  });

  add("GET", `${ADMIN}/webhooks`, async () => json(200, { urls: ctx.config.webhookUrls }));
  add("PUT", `${ADMIN}/webhooks`, async (req) => {
    const { urls } = await adminBody(req);
    if (!Array.isArray(urls) || urls.some((u) => typeof u !== "string" || !URL.canParse(u))) {
      throw badRequest("urls must be an array of absolute URLs");
    }
    ctx.config.webhookUrls = urls as string[];
    return json(200, { urls: ctx.config.webhookUrls });
  });
  add("GET", `${ADMIN}/webhooks/deliveries`, async () => json(200, { deliveries: ctx.webhooks.deliveries() }));

  add("POST", `${ADMIN}/companies`, async (req) => {
    const body = await adminBody(req, true);
    const companyId = body.companyId === undefined ? randomUUID() : body.companyId;
    if (typeof companyId !== "string" || !isUuid(companyId)) throw badRequest("companyId must be a UUID");
    const names = ctx.dataCenters.map((dc) => dc.name);
    const dataCenter = body.dataCenter ?? names[0];
    if (typeof dataCenter !== "string" || !names.includes(dataCenter)) {
      throw badRequest(`dataCenter must be one of ${names.join(", ")}`, [
        { source: "dataCenter", errorCode: "dataCenter.invalid", errorMessage: `must be one of ${names.join(", ")}` },
      ]);
    }
    const existing = ctx.companies.get(companyId);
    if (existing && body.dataCenter !== undefined && existing.dataCenter !== dataCenter) {
      throw badRequest(`Company ${companyId} already lives in data center ${existing.dataCenter}`);
    }
    const company = ctx.companies.ensure(companyId, dataCenter);
    const geolocation = ctx.dataCenters.find((dc) => dc.name === company.dataCenter)?.url;
    return json(201, { companyId: company.id, dataCenter: company.dataCenter, geolocation });
  });

  add("POST", `${ADMIN}/tokens`, async (req) => {
    const { companyId, scopes } = await adminBody(req);
    if (typeof companyId !== "string" || companyId === "") throw badRequest("companyId is required");
    if (scopes !== undefined && (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string"))) {
      throw badRequest("scopes must be an array of strings");
    }
    const granted = (scopes as string[] | undefined) ?? [...ctx.defaultScopes];
    const token = ctx.tokens.mint({ companyId: companyId.toLowerCase(), scopes: granted, clientId: EMULATOR_CLIENT_ID });
    return json(200, { access_token: token, token_type: "Bearer", scope: granted.join(" ") });
  });
}
