import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { parseDatabaseUrl } from "../../src/connections/store/database.js";
import { normaliseGeolocation } from "../../src/datasources/auth/geolocation.js";
import { CodedError, ErrorCode } from "../../src/errors.js";

describe("normaliseGeolocation", () => {
  it.each([
    ["https://us.api.concursolutions.com", "https://us.api.concursolutions.com"],
    ["https://us2.api.concursolutions.com/", "https://us2.api.concursolutions.com"],
    ["https://us.api.concursolutions.com/oauth2/v0/token", "https://us.api.concursolutions.com"],
    ["HTTPS://EU2.API.ConcurSolutions.com/oauth2/v0/token?x=1#f", "https://eu2.api.concursolutions.com"],
    ["  emea.api.concursolutions.com ", "https://emea.api.concursolutions.com"],
    ["http://127.0.0.1:4010/oauth2/v0/token", "http://127.0.0.1:4010"],
    ["https://us-impl.api.concursolutions.com:443/", "https://us-impl.api.concursolutions.com"],
  ])("%s -> %s", (raw, expected) => {
    expect(normaliseGeolocation(raw)).toBe(expected);
  });

  it.each(["ftp://us.api.concursolutions.com", "https://user:pw@us.api.concursolutions.com", "https://", "not a url at all"])("refuses %j as BAD_USER_INPUT", (raw) => {
    let thrown: unknown;
    try {
      normaliseGeolocation(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CodedError);
    expect((thrown as CodedError).code).toBe(ErrorCode.BAD_USER_INPUT);
  });
});

describe("parseDatabaseUrl", () => {
  it("accepts sqlite:, file: and postgres URLs", () => {
    expect(parseDatabaseUrl("sqlite:./data/x.db", { cwd: "/srv" })).toEqual({ kind: "sqlite", path: "/srv/data/x.db" });
    expect(parseDatabaseUrl("sqlite:///var/lib/cg.db")).toEqual({ kind: "sqlite", path: "/var/lib/cg.db" });
    expect(parseDatabaseUrl("file:/tmp/cg.db")).toEqual({ kind: "sqlite", path: "/tmp/cg.db" });
    expect(parseDatabaseUrl("postgres://u:p@db:5432/cg")).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/cg" });
    expect(parseDatabaseUrl("postgresql://db/cg").kind).toBe("postgres");
  });

  it.each(["redis://127.0.0.1:6379", "memory:", "sqlite::memory:", "mysql://db/x", "./data.db", ""])("refuses %j: tokens need durable storage", (raw) => {
    expect(() => parseDatabaseUrl(raw)).toThrow(ConfigError);
    expect(() => parseDatabaseUrl(raw)).toThrow(/sqlite:<path>.*postgres:\/\//);
  });
});
