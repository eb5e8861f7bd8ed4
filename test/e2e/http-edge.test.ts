// The gateway's own HTTP edge, beyond GraphQL: the webhook path answers its documented statuses for every method.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../helpers/stack.js";

describe("HTTP edge", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ webhooks: false });
  });
  afterAll(() => stack.stop());

  it.each(["GET", "PUT", "DELETE"])("%s on the webhook path answers 405 with what to do, not a 404 page", async (method) => {
    const res = await request(`${stack.gateway.origin}/webhooks/concur`, { method });
    expect(res.statusCode).toBe(405);
    expect(await res.body.json()).toEqual({ error: "method not allowed: POST events here" });
  });
});
