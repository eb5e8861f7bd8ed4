// Configuration of the Connect landing page: defaults, the OpenID Connect settings, and mistakes refused at start.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const OIDC = { CONNECT_SIGN_IN: "oidc", CONNECT_OIDC_ISSUER: "https://id.partner.example/", CONNECT_OIDC_CLIENT_ID: "landing", CONNECT_OIDC_CLIENT_SECRET: "s3cret" };

describe("Connect page configuration", () => {
  it("defaults: no sign-in, 30 per IP and 10 per company per 10 minutes, the app named concur-graph", () => {
    expect(loadConfig({}).connectPage).toEqual({ signIn: "none", oidc: undefined, ratePerIp: 30, ratePerCompany: 10, rateWindowSeconds: 600, appName: "concur-graph", supportContact: undefined });
  });

  it("oidc: issuer (trailing slash dropped), client, default scopes; limits and wording from the environment", () => {
    const page = loadConfig({ ...OIDC, CONNECT_RATE_PER_IP: "0", CONNECT_APP_NAME: "Acme", CONNECT_SUPPORT_CONTACT: "help@acme.example" }).connectPage;
    expect(page.oidc).toEqual({ issuer: "https://id.partner.example", clientId: "landing", clientSecret: "s3cret", scopes: "openid email profile", redirectUrl: undefined });
    expect(page).toMatchObject({ signIn: "oidc", ratePerIp: 0, appName: "Acme", supportContact: "help@acme.example" });
  });

  it("refuses an unknown sign-in, oidc without its settings, scopes without openid, a bad redirect URL", () => {
    expect(() => loadConfig({ CONNECT_SIGN_IN: "saml" })).toThrow(/CONNECT_SIGN_IN="saml" is invalid: expected none or oidc/);
    expect(() => loadConfig({ CONNECT_SIGN_IN: "oidc" })).toThrow(/CONNECT_OIDC_ISSUER is required with CONNECT_SIGN_IN=oidc/);
    expect(() => loadConfig({ ...OIDC, CONNECT_OIDC_CLIENT_SECRET: "" })).toThrow(/CONNECT_OIDC_CLIENT_SECRET is required/);
    expect(() => loadConfig({ ...OIDC, CONNECT_OIDC_SCOPES: "email profile" })).toThrow(/must include openid/);
    expect(() => loadConfig({ ...OIDC, CONNECT_OIDC_REDIRECT_URL: "ftp://x/cb" })).toThrow(ConfigError);
    expect(() => loadConfig({ CONNECT_RATE_PER_COMPANY: "-1" })).toThrow(/CONNECT_RATE_PER_COMPANY/);
  });
});
