import { createPrivateKey, generateKeyPair, type KeyObject } from "node:crypto";
import { addAdmin, adminBody, ADMIN, type AdminHandler } from "../core/admin.js";
import { badRequest } from "../core/errors.js";
import { json } from "../core/http.js";
import type { Router } from "../core/router.js";
import type { EssContext } from "./routes.js";
import { publicView } from "./store.js";

/**
 * ESS admin routes: what SAP does on its side (rotating the signing key, publishing the public keys), injected
 * failures, and inspection (subscriptions with their data center, management calls per data center). No auth.
 */
export function addEssAdminRoutes(router: Router, ctx: EssContext): void {
  const add = (method: string, template: string, handler: AdminHandler) => addAdmin(router, method, template, handler);

  add("GET", `${ADMIN}/ess/subscriptions`, async () =>
    json(200, { subscriptions: [...ctx.ess.subscriptions.values()].map((s) => ({ ...publicView(s), dataCenter: s.site, markedForDeletion: Boolean(s.deleting) })) }));

  // What ESS does to subscriptions nobody uses for 30 days, or a support engineer on request: all gone at once.
  add("DELETE", `${ADMIN}/ess/subscriptions`, async () => {
    const removed = ctx.ess.subscriptions.size;
    ctx.ess.subscriptions.clear();
    return json(200, { removed });
  });

  add("GET", `${ADMIN}/ess/calls`, async () => json(200, { calls: ctx.ess.callsView() }));

  add("GET", `${ADMIN}/ess/config`, async () => json(200, ctx.essSettings));
  add("PUT", `${ADMIN}/ess/config`, async (req) => {
    const body = await adminBody(req);
    const next = { ...ctx.essSettings };
    for (const [key, value] of Object.entries(body)) {
      if (key === "failWith") {
        if (value !== null && (typeof value !== "number" || !Number.isInteger(value) || value < 400 || value > 599)) throw badRequest("failWith must be null or an HTTP status from 400 to 599");
        next.failWith = value;
      } else if (key === "appScopes") {
        if (!Array.isArray(value) || value.some((s) => typeof s !== "string")) throw badRequest("appScopes must be an array of strings");
        next.appScopes = value as string[];
      } else if (key === "deletionDelayMs") {
        if (typeof value !== "number" || value < 0) throw badRequest("deletionDelayMs must be a number ≥ 0");
        next.deletionDelayMs = value;
      } else if (key === "singleObject") {
        if (typeof value !== "boolean") throw badRequest("singleObject must be a boolean");
        next.singleObject = value;
      } else {
        throw badRequest(`${key} is not an ESS setting (failWith, appScopes, deletionDelayMs, singleObject)`);
      }
    }
    Object.assign(ctx.essSettings, next);
    return json(200, ctx.essSettings);
  });

  // The public keys SAP publishes on the ESS page ([ESS], [PEM]): the current one and those before it.
  add("GET", `${ADMIN}/ess/public-keys`, async () => json(200, { current: ctx.signingKeys.publicKeyPem, previous: ctx.signingKeys.previous() }));

  // SAP's yearly rotation: new deliveries are signed with the new key from now on (a PEM given, or a new 2048-bit key).
  add("POST", `${ADMIN}/ess/signing-keys/rotate`, async (req) => {
    const body = await adminBody(req, true);
    let next: KeyObject;
    if (body.privateKeyPem !== undefined) {
      if (typeof body.privateKeyPem !== "string") throw badRequest("privateKeyPem must be a PEM string");
      try {
        next = createPrivateKey(body.privateKeyPem);
      } catch {
        throw badRequest("privateKeyPem is not a private key PEM");
      }
      if (next.asymmetricKeyType !== "rsa") throw badRequest("privateKeyPem must be an RSA key");
    } else {
      next = await new Promise<KeyObject>((resolve, reject) =>
        generateKeyPair("rsa", { modulusLength: 2048 }, (err, _pub, privateKey) => (err ? reject(err) : resolve(privateKey))));
    }
    ctx.signingKeys.rotate(next);
    return json(200, { current: ctx.signingKeys.publicKeyPem, previous: ctx.signingKeys.previous() });
  });
}
