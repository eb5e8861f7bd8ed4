// The connection sweep's two settings (managed mode in front of Concur): parsed, defaulted, refused when out of range.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const MANAGED = {
  CONCUR_BASE_URL: "https://us2.api.concursolutions.com",
  CONCUR_AUTH_MODE: "managed",
  CONCUR_CLIENT_ID: "app-id",
  CONCUR_CLIENT_SECRET: "app-secret",
  CONNECTION_ENCRYPTION_KEYS: "k1:AAAA",
};

describe("CONNECTION_SWEEP_INTERVAL_SECONDS and CONNECTION_SWEEP_WINDOW_DAYS", () => {
  it("default to a daily sweep over refresh tokens expiring within 30 days", () => {
    expect(loadConfig(MANAGED).managed).toMatchObject({ sweepIntervalSeconds: 86_400, sweepWindowDays: 30 });
  });

  it("take a sooner sweep, a wider window, and 0 = never", () => {
    expect(loadConfig({ ...MANAGED, CONNECTION_SWEEP_INTERVAL_SECONDS: "60", CONNECTION_SWEEP_WINDOW_DAYS: "200" }).managed).toMatchObject({ sweepIntervalSeconds: 60, sweepWindowDays: 200 });
    expect(loadConfig({ ...MANAGED, CONNECTION_SWEEP_INTERVAL_SECONDS: "0" }).managed?.sweepIntervalSeconds).toBe(0);
  });

  it.each([
    ["CONNECTION_SWEEP_INTERVAL_SECONDS", "-1", /CONNECTION_SWEEP_INTERVAL_SECONDS="-1" is invalid: expected a whole number from 0 to 604800/],
    // Past ~24.8 days Node's timers fire at once: a week is the longest interval taken.
    ["CONNECTION_SWEEP_INTERVAL_SECONDS", "2592000", /CONNECTION_SWEEP_INTERVAL_SECONDS="2592000" is invalid/],
    ["CONNECTION_SWEEP_WINDOW_DAYS", "0", /CONNECTION_SWEEP_WINDOW_DAYS="0" is invalid: expected a whole number from 1 to 366/],
    ["CONNECTION_SWEEP_WINDOW_DAYS", "soon", /CONNECTION_SWEEP_WINDOW_DAYS="soon" is invalid/],
  ])("%s=%s fails at start with what to fix", (name, value, message) => {
    expect(() => loadConfig({ ...MANAGED, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...MANAGED, [name]: value })).toThrow(message);
  });
});
