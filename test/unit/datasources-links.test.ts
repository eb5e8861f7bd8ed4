import { describe, expect, it } from "vitest";
import { CodedError } from "../../src/errors.js";
import { linkHref, nextHref, resolveHref } from "../../src/datasources/client/links.js";

describe("nextHref", () => {
  const href = "/accountingintegration/v4/companies/c/erps/e/accounts?next=abc";
  it.each([
    ["links HAL object", { data: [], links: { next: { href } } }],
    ["_links HAL object", { data: [], _links: { next: { href } } }],
    ["links array", { data: [], links: [{ rel: "self", href: "/self" }, { rel: "next", href }] }],
    ["_links array", { data: [], _links: [{ rel: "next", href }] }],
    ["HAL array value", { links: { next: [{ href }] } }],
    ["HAL string value", { links: { next: href } }],
  ])("reads %s", (_name, page) => {
    expect(nextHref(page)).toBe(href);
  });

  it.each([
    ["no links", { data: [] }],
    ["null links", { data: [], links: null }],
    ["empty object", { links: {} }],
    ["empty array", { links: [] }],
    ["only self", { links: { self: { href: "/x" } } }],
    ["empty href", { links: { next: { href: "" } } }],
    ["non-string href", { links: [{ rel: "next", href: 5 }] }],
    ["garbage page", "nope"],
    ["null page", null],
  ])("returns undefined for %s", (_name, page) => {
    expect(nextHref(page)).toBeUndefined();
  });

  it("reads other rels (errors, self)", () => {
    const status = { _links: { errors: { href: "/v4/x/errors" }, self: { href: "/v4/x" } } };
    expect(linkHref(status, "errors")).toBe("/v4/x/errors");
    expect(linkHref(status, "self")).toBe("/v4/x");
  });
});

describe("resolveHref", () => {
  const base = "https://us2.api.concursolutions.com";
  it("resolves /v4/ against /accountingintegration (Q3)", () => {
    expect(resolveHref(base, "/v4/companies/c/erps/e/requests/r")).toBe(`${base}/accountingintegration/v4/companies/c/erps/e/requests/r`);
  });
  it("resolves /accountingintegration/ against the base", () => {
    expect(resolveHref(`${base}/`, "/accountingintegration/v4/x?next=1")).toBe(`${base}/accountingintegration/v4/x?next=1`);
  });
  it("accepts absolute URLs on the same origin", () => {
    expect(resolveHref(base, `${base}/accountingintegration/v4/x?next=2`)).toBe(`${base}/accountingintegration/v4/x?next=2`);
  });
  it.each([
    "https://evil.example/accountingintegration/v4/x",
    "http://us2.api.concursolutions.com/accountingintegration/v4/x",
    "https://us2.api.concursolutions.com:8443/x",
    "//evil.example/x",
    "/\\evil.example/x",
    "accountingintegration/v4/x",
    "javascript:alert(1)",
  ])("rejects %s (the token must never leave for another host)", (href) => {
    expect(() => resolveHref(base, href)).toThrow(CodedError);
  });
});
