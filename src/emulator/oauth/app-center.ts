import { badRequest } from "../core/errors.js";
import type { IssuedRequestToken } from "./request-tokens.js";

/**
 * What the App Center does when a customer's admin clicks Connect (SAP-docs company-auth, apidoc "Enterprise Business
 * Applications"): it makes a request token for the app and redirects the admin's browser (301) to the app's landing
 * URL with `?id=<company UUID>&requestToken=<token>&userId=<admin UUID>`.
 */
export interface AppCenterConnectOptions {
  /** The partner app's registered landing URL (http or https); the query is appended to any it already has. */
  landingUrl: string;
  /**
   * Letter case of the company UUID in `id` (and of `userId`). Default `upper`: what partners see from the App Center
   * (issue 21: `id=03A4AC48-…`); the docs show neither case, and Concur's UUIDs are case-insensitive **[INFERRED]**.
   */
  idCase?: "upper" | "lower";
  /** Name of the user parameter: `userId` (apidoc, the default) or `userID` (company-auth). */
  userParam?: "userId" | "userID";
  /** Concur user UUID of the admin who clicked Connect. Default a fixed demo admin. */
  userId?: string;
}

export interface AppCenterRedirect extends IssuedRequestToken {
  /** Where the App Center sends the browser. */
  redirectUrl: string;
  userId: string;
}

export const DEFAULT_CONNECTING_ADMIN = "5d3c4a8e-0b1f-4c2a-9e7d-2f6a1b0c9d8e";

/** Reads and checks App Center options from an admin call's body or query. */
export function parseAppCenterOptions(raw: Record<string, unknown>): AppCenterConnectOptions & { clientId?: string } {
  const text = (name: string) => {
    const value = raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw badRequest(`${name} must be a string`);
    return value;
  };
  const landingUrl = text("landingUrl");
  if (!landingUrl) throw badRequest("landingUrl is required: the partner app's landing URL the App Center redirects to");
  let parsed: URL;
  try {
    parsed = new URL(landingUrl);
  } catch {
    throw badRequest(`landingUrl ${JSON.stringify(landingUrl)} is not an absolute URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw badRequest("landingUrl must be http or https");
  const idCase = text("idCase") ?? "upper";
  if (idCase !== "upper" && idCase !== "lower") throw badRequest('idCase must be "upper" or "lower"');
  const userParam = text("userParam") ?? "userId";
  if (userParam !== "userId" && userParam !== "userID") throw badRequest('userParam must be "userId" or "userID"');
  return { landingUrl, idCase, userParam, userId: text("userId"), clientId: text("clientId") };
}

/** The redirect URL for an issued request token. */
export function appCenterRedirect(issued: IssuedRequestToken, options: AppCenterConnectOptions): AppCenterRedirect {
  const cased = (value: string) => (options.idCase === "lower" ? value.toLowerCase() : value.toUpperCase());
  const userId = options.userId ?? DEFAULT_CONNECTING_ADMIN;
  const url = new URL(options.landingUrl);
  url.searchParams.set("id", cased(issued.companyId));
  url.searchParams.set("requestToken", issued.requestToken);
  url.searchParams.set(options.userParam ?? "userId", cased(userId));
  return { ...issued, redirectUrl: url.toString(), userId: cased(userId) };
}
