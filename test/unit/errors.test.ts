import { GraphQLError } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { CodedError, createErrorFormatter, ErrorCode, storeRetryAfterSeconds, wholeRequestNeededStore } from "../../src/errors.js";
import type { Logger } from "../../src/logger.js";

const logger = () => ({ error: vi.fn() }) as unknown as Logger & { error: ReturnType<typeof vi.fn> };

describe("formatError", () => {
  it("passes coded errors with their safe message and extensions, never a stack", () => {
    const log = logger();
    const error = new CodedError(ErrorCode.FORBIDDEN, "Concur refused access", { correlationId: "c-1", upstreamStatus: 403 });
    const formatted = createErrorFormatter(log)({ message: error.message, path: ["a"], extensions: { ...error.extensions, stacktrace: ["at x"] } }, error);
    expect(formatted).toEqual({ message: "Concur refused access", path: ["a"], locations: undefined, extensions: { code: "FORBIDDEN", correlationId: "c-1", upstreamStatus: 403 } });
    expect(log.error).not.toHaveBeenCalled();
  });

  it("keeps GraphQL's own request errors (validation) as they are", () => {
    const formatted = createErrorFormatter(logger())({ message: "Cannot query field", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }, new GraphQLError("Cannot query field"));
    expect(formatted.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(formatted.message).toBe("Cannot query field");
  });

  it("masks anything uncoded as an internal error with an id that is in the log", () => {
    const log = logger();
    const secret = new Error("ECONNREFUSED 10.0.0.7:5432 password=hunter2");
    const formatted = createErrorFormatter(log)({ message: secret.message, path: ["x"], extensions: { code: "INTERNAL_SERVER_ERROR", stacktrace: ["at y"] } }, secret);
    expect(formatted.message).toMatch(/^Internal server error \(error id [0-9a-f-]{36}\)$/);
    expect(formatted.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: expect.any(String) });
    expect(JSON.stringify(formatted)).not.toContain("hunter2");
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: secret, errorId: formatted.extensions?.errorId }), "unexpected error");
  });

  it("a coded INTERNAL_SERVER_ERROR is unexpected too: an errorId in the answer and in the log", () => {
    const log = logger();
    const error = new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, "a managed-mode Concur call without a company");
    const formatted = createErrorFormatter(log)({ message: error.message, path: ["y"], extensions: { ...error.extensions } }, error);
    expect(formatted.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", errorId: expect.any(String) });
    expect(formatted.message).toContain(formatted.extensions?.errorId as string);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ err: error, errorId: formatted.extensions?.errorId }), "unexpected error");
  });
});

describe("a request that needed the store", () => {
  const store = (retryAfterSeconds = 5) => ({ extensions: { code: "STORE_UNAVAILABLE", retryAfterSeconds } });
  it("is whole when every error is STORE_UNAVAILABLE and nothing was answered", () => {
    expect(wholeRequestNeededStore([store()], null)).toBe(true);
    expect(wholeRequestNeededStore([store(), store()], { a: null, b: null })).toBe(true);
    expect(wholeRequestNeededStore([store()], { a: null, b: { x: 1 } })).toBe(false);
    expect(wholeRequestNeededStore([store(), { extensions: { code: "FORBIDDEN" } }], null)).toBe(false);
    expect(wholeRequestNeededStore([], null)).toBe(false);
    expect(storeRetryAfterSeconds([store(2), store(7)])).toBe(7);
  });
});
