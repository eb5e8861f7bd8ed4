// The pages a person sees on the Connect landing route: what happened, in words, and what to do next. Server-rendered
// HTML with every value escaped, no script, and a CSP that allows only the page's own nonce'd style.
import { randomBytes } from "node:crypto";
import type { Response } from "express";

/** Why connecting did not happen; each has its words, its HTTP status and its JSON code. */
export type FailureReason =
  | "INCOMPLETE_LINK"
  | "ALREADY_USED"
  | "IN_PROGRESS"
  | "LINK_REFUSED"
  | "OTHER_APP"
  | "APP_NOT_ENABLED"
  | "CONCUR_UNAVAILABLE"
  | "RATE_LIMITED"
  | "NOT_ALLOWED"
  | "SIGN_IN_FAILED"
  | "SIGN_IN_EXPIRED"
  | "SIGN_IN_UNAVAILABLE"
  | "NO_RESULT"
  | "INTERNAL";

export interface ConnectedView {
  kind: "connected";
  companyId: string;
  /** From the company's Profile; absent when Concur did not tell it. */
  companyName?: string;
  dataCenter: { label: string; url: string };
  concurUserId?: string;
  signedInAs?: string;
  /** Epoch ms. */
  connectedAt: number;
}

export interface FailedView {
  kind: "failed";
  reason: FailureReason;
  companyId?: string;
  /** Concur's /token error code, or the HTTP status of its answer. */
  concurCode?: string;
  /** The sign-in provider's error code (e.g. access_denied). */
  signInError?: string;
  /** Epoch ms the link was used, for ALREADY_USED. */
  usedAt?: number;
  /** Minutes to wait, for RATE_LIMITED. */
  retryAfterMinutes?: number;
  /** Logged with the details on our side, so support can find them. */
  reference: string;
}

export type PageView = ConnectedView | FailedView;

export interface PageWording {
  appName: string;
  supportContact?: string;
}

export const FAILURE_STATUS: Record<FailureReason, number> = {
  INCOMPLETE_LINK: 400,
  ALREADY_USED: 409,
  IN_PROGRESS: 409,
  LINK_REFUSED: 400,
  OTHER_APP: 400,
  APP_NOT_ENABLED: 400,
  CONCUR_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  NOT_ALLOWED: 403,
  SIGN_IN_FAILED: 401,
  SIGN_IN_EXPIRED: 401,
  SIGN_IN_UNAVAILABLE: 503,
  NO_RESULT: 404,
  INTERNAL: 500,
};

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const CONCUR_HOSTS: Record<string, string> = {
  us: "US",
  us2: "US2 (North America)",
  eu: "EU (Europe)",
  eu1: "EU1 (Europe)",
  eu2: "EU2 (Europe)",
  emea: "EMEA (Europe)",
  apj1: "APJ1 (Asia-Pacific)",
  usg: "CCPS (US public sector)",
  "us-impl": "US implementation",
  "emea-impl": "EMEA implementation",
};

/** The data center of a geolocation in words (`https://us2.api.concursolutions.com` -> US2 (North America)). */
export function dataCenterOf(geolocation: string): { label: string; url: string } {
  try {
    const host = new URL(geolocation).host;
    const match = /^(?:www-)?([a-z0-9-]+)\.api\.concursolutions\.com$/i.exec(host);
    const label = match ? (CONCUR_HOSTS[match[1].toLowerCase()] ?? match[1].toUpperCase()) : host;
    return { label, url: geolocation };
  } catch {
    return { label: geolocation, url: geolocation };
  }
}

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");

/** Title, what happened, and what to do, in words, for each failure. */
export function failureWords(view: FailedView, wording: PageWording): { title: string; what: string; todo: string } {
  const app = wording.appName;
  const again = `In SAP Concur, open the App Center, find ${app} and click Connect again: each click makes a new link, valid for 24 hours.`;
  switch (view.reason) {
    case "INCOMPLETE_LINK":
      return { title: "This link is incomplete", what: "This page is opened by SAP Concur when a Concur administrator clicks Connect in the App Center. The address it was opened with lacks the company or the Connect link's token.", todo: again };
    case "ALREADY_USED":
      return {
        title: "This Connect link was already used",
        what: `It connected your company${view.usedAt ? ` on ${when(view.usedAt)}` : ""}; a Connect link works once. Nothing was changed now.`,
        todo: `If the company shows as connected in ${app}, there is nothing to do. To connect again: ${again}`,
      };
    case "IN_PROGRESS":
      return { title: "This Connect link is being used right now", what: "Another window or person is connecting with this same link at this moment.", todo: "Wait a minute, then check whether the company shows as connected. If not, click Connect in the App Center again." };
    case "LINK_REFUSED":
      return { title: "SAP Concur did not accept this Connect link", what: "The link has expired (links work for 24 hours), or it was made for another company. Nothing was connected.", todo: again };
    case "OTHER_APP":
      return { title: `This Connect link was made for another app, not ${app}`, what: "SAP Concur makes each Connect link for one app. Nothing was connected.", todo: `Make sure you click Connect on the App Center listing of ${app}.` };
    case "APP_NOT_ENABLED":
      return { title: `${app} is not enabled for your company in SAP Concur`, what: "SAP Concur refused to connect the app for this company. Nothing was connected.", todo: `A Concur administrator with the Web Services Admin permission must enable ${app} for the company (App Center), then click Connect again.` };
    case "CONCUR_UNAVAILABLE":
      return { title: "SAP Concur is not answering right now", what: "Connecting needs SAP Concur, which did not answer (or is in scheduled maintenance). Nothing was connected yet.", todo: "Your Connect link stays valid for 24 hours: reload this page in a few minutes." };
    case "RATE_LIMITED":
      return { title: "Too many attempts", what: "This page was opened too many times in a short while, from your network or for your company.", todo: `Wait ${view.retryAfterMinutes ?? "a few"} minute(s), then reload this page.` };
    case "NOT_ALLOWED":
      return { title: "These credentials may not connect this company", what: "The request carried credentials of the gateway that are not an administrator of this company.", todo: "Open the link without credentials (a normal browser window), or use an administrator's API key." };
    case "SIGN_IN_FAILED":
      return { title: "Signing in did not complete", what: `Connecting needs you to sign in to ${app} first, and the sign-in was refused or cancelled. Nothing was connected.`, todo: `Sign in with your ${app} account: ${again}` };
    case "SIGN_IN_EXPIRED":
      return { title: "The sign-in took too long or was not started here", what: "This browser no longer holds the Connect link it started signing in with (it expires after 10 minutes, and needs cookies). Nothing was connected.", todo: again };
    case "SIGN_IN_UNAVAILABLE":
      return { title: "Signing in is not available right now", what: `Connecting needs you to sign in to ${app} first, and its sign-in service did not answer. Nothing was connected.`, todo: "Your Connect link stays valid for 24 hours: reload this page in a few minutes." };
    case "NO_RESULT":
      return { title: "Nothing to show here", what: "This page shows the result of connecting SAP Concur for 10 minutes, in the browser that connected.", todo: `Check in ${app} whether your company is connected. To connect: ${again}` };
    case "INTERNAL":
      return { title: "Something went wrong on our side", what: "Nothing was connected.", todo: "Try again in a few minutes by reloading this page; if it keeps failing, contact us with the reference below." };
  }
}

/** Sets the headers every Connect page (and answer) carries: never cached, never framed, no referrer, strict CSP. */
export function setPageHeaders(res: Response, styleNonce?: string): void {
  res.set({
    "cache-control": "no-store",
    pragma: "no-cache",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "content-security-policy": `default-src 'none'; style-src ${styleNonce ? `'nonce-${styleNonce}'` : "'none'"}; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  });
}

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1d2d3e;margin:0}
main{max-width:40rem;margin:3rem auto;background:#fff;border-radius:8px;padding:2rem 2.5rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}.ok h1{color:#107e3e}.fail h1{color:#bb0000}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem;margin:1.25rem 0}dt{font-weight:600}dd{margin:0;word-break:break-all}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem}p{line-height:1.5}small{color:#556b82}`;

/** The full HTML page for a view (every value escaped). */
export function renderPage(view: PageView, wording: PageWording, styleNonce: string): string {
  const e = escapeHtml;
  const app = e(wording.appName);
  let title: string;
  let body: string;
  if (view.kind === "connected") {
    title = `SAP Concur is connected to ${wording.appName}`;
    const company = view.companyName ? `${e(view.companyName)}` : "Your company";
    const rows: Array<[string, string]> = [
      ["Company", view.companyName ? e(view.companyName) : "(name not available from SAP Concur)"],
      ["Company ID", e(view.companyId)],
      ["Data center", view.dataCenter.url.endsWith(`//${view.dataCenter.label}`) ? e(view.dataCenter.url) : `${e(view.dataCenter.label)} <small>${e(view.dataCenter.url)}</small>`],
    ];
    if (view.signedInAs) rows.push(["Connected by", e(view.signedInAs)]);
    if (view.concurUserId) rows.push(["Concur user", e(view.concurUserId)]);
    rows.push(["Connected at", e(when(view.connectedAt))]);
    body = `<main class="ok" data-outcome="connected">
<h1>${e(title)}</h1>
<p>${company} is now connected to ${app}.</p>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
<h2>What happens next</h2>
<p>${app} now works with your company's SAP Concur data in the ${e(view.dataCenter.label)} data center; you do not need to do anything else, and you can close this window.</p>
<p>The connection stays active as long as ${app} uses it. A Concur administrator can end it at any time in SAP Concur (App Center, connected apps); connecting again is one more click on Connect.</p>
</main>`;
  } else {
    const words = failureWords(view, wording);
    title = words.title;
    const rows: Array<[string, string]> = [];
    if (view.concurCode) rows.push(["SAP Concur code", e(view.concurCode)]);
    if (view.signInError) rows.push(["Sign-in error", e(view.signInError)]);
    if (view.companyId) rows.push(["Company ID", e(view.companyId)]);
    rows.push(["Reference", e(view.reference)]);
    body = `<main class="fail" data-outcome="failed" data-reason="${e(view.reason)}">
<h1>${e(title)}</h1>
<p>${e(words.what)}</p>
<h2>What to do</h2>
<p>${e(words.todo)}</p>
${wording.supportContact ? `<p>Need help? Contact ${e(wording.supportContact)} and give the reference below.</p>` : ""}
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>
</main>`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${e(title)}</title>
<style nonce="${styleNonce}">${STYLE}</style></head>
<body>${body}</body></html>`;
}

/** Sends a view as a page with its status and headers. */
export function sendPage(res: Response, status: number, view: PageView, wording: PageWording): void {
  const nonce = randomBytes(16).toString("base64");
  setPageHeaders(res, nonce);
  res.status(status).type("html").send(renderPage(view, wording, nonce));
}
