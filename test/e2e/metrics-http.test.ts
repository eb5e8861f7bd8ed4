// /metrics through HTTP: after a query (Apollo, then the fast path), a batched mutation, the webhook ESS sends
// when that upload is processed, and a live subscription, the series an operator needs show sensible values.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { AccountsPageDocument, RequestStatusChangedDocument, UpsertAccountsDocument } from "../generated/graphql.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";
import { routeTemplate } from "../../src/observability/metrics.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

async function scrape(): Promise<{ status: number; type: string; text: string }> {
  const res = await request(`${stack.gateway.origin}/metrics`);
  return { status: res.statusCode, type: String(res.headers["content-type"]), text: await res.body.text() };
}

/** Value of one sample: `name{labels}` with the labels given (others ignored); 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const brace = line.indexOf("{");
    const labelText = brace >= 0 && line.startsWith(`${name}{`) ? line.slice(brace + 1, line.lastIndexOf("}")) : "";
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

describe("/metrics", () => {
  it("shows operations, upstream calls, cache, batches, webhook events and subscriptions", async () => {
    const vars = { companyId: stack.companyId, erpId: stack.erpId, first: 10 };
    for (let i = 0; i < 3; i++) expect((await stack.graphql(AccountsPageDocument, vars)).errors).toBeUndefined(); // Apollo once, then the fast path
    const refused = await stack.graphql(`{ ${Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(" ")} ${Array.from({ length: 101 }, (_, i) => `b${i}: erpIntegrations(companyId: "x") { erpId }`).join(" ")} }`);
    expect(refused.errors![0].extensions.code).toBe("OPERATION_LIMIT_EXCEEDED");

    const sub = subscribe(stack.gateway.wsUrl, stack.token, RequestStatusChangedDocument, { companyId: stack.companyId, erpId: stack.erpId });
    await waitFor(async () => sample((await scrape()).text, "concur_graph_active_subscriptions") === 1, 5_000, "one active subscription");

    const accounts = Array.from({ length: 3 }, (_, i) => ({ id: `MET-${i}`, name: `Metrics ${i}`, number: null, type: "EXPENSE" }));
    const written = await stack.graphql(UpsertAccountsDocument, { companyId: stack.companyId, erpId: stack.erpId, accounts });
    expect(written.errors).toBeUndefined();
    // The emulator processes the upload and ESS posts data.statusUpdated to the gateway's webhook.
    await waitFor(() => sub.events.some((e: any) => e.requestStatusChanged.status !== "PROCESSING"), 10_000, "the upload's final status over the subscription");
    const { text } = await waitFor(async () => {
      const scraped = await scrape();
      return sample(scraped.text, "concur_graph_webhook_events_total", { type: "data.statusUpdated", outcome: "processed" }) >= 1 ? scraped : undefined;
    }, 5_000, "the processed webhook event in /metrics");

    // Operations: the query counted on both paths under its name, the mutation, the refusal.
    expect(sample(text, "concur_graph_graphql_operations_total", { operation: "AccountsPage", type: "query", outcome: "ok" })).toBe(3);
    expect(sample(text, "concur_graph_graphql_operations_total", { operation: "UpsertAccounts", type: "mutation", outcome: "ok" })).toBe(1);
    expect(sample(text, "concur_graph_graphql_operations_total", { outcome: "refused" })).toBe(1);
    expect(sample(text, "concur_graph_graphql_operation_duration_seconds_count", { type: "query", outcome: "ok" })).toBe(3);
    // Upstream calls by route template: no ids anywhere in the labels.
    expect(sample(text, "concur_graph_upstream_requests_total", { api: "accountingintegration", method: "GET", route: "/accountingintegration/v4/companies/{id}/erps/{id}/accounts", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "concur_graph_upstream_requests_total", { method: "PATCH", route: "/accountingintegration/v4/companies/{id}/erps/{id}/accounts", status: "202" })).toBe(1);
    expect(text).not.toContain(stack.companyId);
    expect(text).not.toContain(stack.erpId);
    expect(text).not.toContain(stack.token);
    expect(sample(text, "concur_graph_upstream_request_duration_seconds_count", { api: "accountingintegration", method: "GET" })).toBeGreaterThanOrEqual(1);
    // Cache: the first read missed, the second hit the local tier, the third was the second's answer served again.
    expect(sample(text, "concur_graph_page_cache_lookups_total", { result: "miss" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "concur_graph_page_cache_lookups_total", { result: "local" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "concur_graph_answers_reused")).toBeGreaterThanOrEqual(1);
    // The write batch: one PATCH of 3 records, its bytes, and an empty queue now.
    expect(sample(text, "concur_graph_write_batch_records_count")).toBe(1);
    expect(sample(text, "concur_graph_write_batch_records_sum")).toBe(3);
    expect(sample(text, "concur_graph_write_batch_bytes_sum")).toBeGreaterThan(100);
    expect(sample(text, "concur_graph_write_queue_depth")).toBe(0);
    // Its one write waited queued at least the batching window (25 ms of quiet) before the PATCH left, and the batch
    // waited for its pacing slot once (free at once on an idle endpoint).
    expect(sample(text, "concur_graph_write_queue_wait_seconds_count", { writer: "accounting" })).toBe(1);
    expect(sample(text, "concur_graph_write_queue_wait_seconds_sum", { writer: "accounting" })).toBeGreaterThanOrEqual(0.02);
    expect(sample(text, "concur_graph_write_queue_wait_seconds_bucket", { writer: "accounting", le: "0.01" })).toBe(0);
    expect(sample(text, "concur_graph_pacer_wait_seconds_count", { writer: "accounting" })).toBe(1);
    expect(sample(text, "concur_graph_pacer_wait_seconds_sum", { writer: "accounting" })).toBeLessThan(1);
    // The webhook: accepted (202) and processed.
    expect(sample(text, "concur_graph_webhook_requests_total", { status: "202" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "concur_graph_active_subscriptions")).toBe(1);
    expect(sample(text, "concur_graph_compiled_queries")).toBeGreaterThanOrEqual(1);
    // Process defaults (prom-client), under the same prefix.
    expect(sample(text, "concur_graph_process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample(text, "concur_graph_nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);

    await sub.close();
    await waitFor(async () => sample((await scrape()).text, "concur_graph_active_subscriptions") === 0, 5_000, "no active subscription after close");
  });

  it("answers in the Prometheus text format", async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toMatch(/# TYPE concur_graph_upstream_requests_total counter/);
  });

  it("templates routes without ids", () => {
    expect(routeTemplate("https://us2.api.concursolutions.com/accountingintegration/v4/companies/5e0a1c1e-0000-4000-8000-000000000001/erps/e7b1d2c3-1/requests/abc123?limit=5")).toEqual({
      api: "accountingintegration",
      route: "/accountingintegration/v4/companies/{id}/erps/{id}/requests/{id}",
    });
    expect(routeTemplate("http://127.0.0.1:1/oauth2/v0/token")).toEqual({ api: "oauth2", route: "/oauth2/v0/token" });
    expect(routeTemplate("http://h/list/v4/items/Item%20Name/children").route).toBe("/list/v4/items/{id}/children");
  });
});
