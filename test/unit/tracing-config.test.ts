// Tracing configuration (the standard OTel variables) and what "off" costs: no SDK, the request handler untouched.
import { describe, expect, it } from "vitest";
import { trace } from "@opentelemetry/api";
import { ConfigError, loadConfig } from "../../src/config.js";
import { startTracing, TRACING_OFF } from "../../src/observability/tracing.js";
import { withOperationSpans } from "../../src/http/tracing.js";
import { traceFields } from "../../src/logger.js";

describe("tracing configuration", () => {
  it("is off by default, named concur-graph", () => {
    expect(loadConfig({}).tracing).toEqual({ serviceName: "concur-graph" });
  });

  it("exports to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces", () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracing.otlpTracesUrl).toBe("http://collector:4318/v1/traces");
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://traces.example/otlp/v1/traces" }).tracing.otlpTracesUrl).toBe("https://traces.example/otlp/v1/traces");
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SERVICE_NAME: "concur-graph-eu" }).tracing).toEqual({ otlpTracesUrl: "http://collector:4318/v1/traces", serviceName: "concur-graph-eu" });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing.otlpTracesUrl).toBeUndefined();
  });

  it("refuses what it cannot do, saying what to set", () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(ConfigError);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported.*http\/json/);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" }).tracing.otlpTracesUrl).toBe("http://c:4318/v1/traces");
  });

  it("off: no SDK is started, the POST handler is the same function, log lines get no trace fields", async () => {
    const tracing = await startTracing(loadConfig({}).tracing);
    expect(tracing).toBe(TRACING_OFF);
    expect(tracing.enabled).toBe(false);
    const handler = async () => {};
    expect(withOperationSpans(tracing, handler, "/graphql")).toBe(handler);
    // The API's no-op: no tracer provider registered, no span current anywhere.
    expect(trace.getActiveSpan()).toBeUndefined();
    expect(traceFields()).toEqual({});
  });
});
