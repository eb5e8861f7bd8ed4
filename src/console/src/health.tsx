import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { describeError, type Api, type Settings } from "./api.js";
import { Problem, when } from "./ui.js";
import { graphql } from "./gql/index.js";
import type { ConsoleEventDeliveryQuery } from "./gql/graphql.js";

const EVENT_DELIVERY = graphql(`query ConsoleEventDelivery {
  eventDelivery { mode reason webhookUrl lastCheckedAt nextCheckAt topics dataCenters { name baseUrl state connectedCompanies error checkedAt } }
}`);

type EventDelivery = ConsoleEventDeliveryQuery["eventDelivery"];

/** The few metrics the page samples, summed over their labels (Prometheus text format). */
const SERIES = [
  { metric: "graphql_operations_total", label: "GraphQL operations" },
  { metric: "upstream_requests_total", label: "Concur calls" },
  { metric: "write_batch_records_count", label: "Write batches sent" },
  { metric: "write_batch_records_sum", label: "Records in write batches" },
  { metric: "webhook_requests_total", label: "Webhook POSTs" },
  { metric: "active_subscriptions", label: "Live subscriptions" },
] as const;
/** Token refreshes: upstream /token calls (every grant goes there). */
const REFRESHES = { label: "Token calls", match: (line: string) => line.includes("upstream_requests_total") && line.includes("/oauth2/v0/token") };
const SAMPLE_MS = 2000;
const KEEP_SAMPLES = 150;

function sumMetrics(text: string): Record<string, number> {
  const sums: Record<string, number> = {};
  let refreshes = 0;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (!Number.isFinite(value)) continue;
    const name = line.split(/[{ ]/, 1)[0]!;
    for (const { metric } of SERIES) if (name.endsWith(metric)) sums[metric] = (sums[metric] ?? 0) + value;
    if (REFRESHES.match(line)) refreshes += value;
  }
  sums.refreshes = refreshes;
  return sums;
}

export function HealthPage({ api, settings }: { api: Api; settings: Settings }) {
  const [ready, setReady] = useState<{ status: number; body: unknown }>();
  const [delivery, setDelivery] = useState<EventDelivery>();
  const [latest, setLatest] = useState<Record<string, number>>();
  const [problem, setProblem] = useState<string>();
  const chartBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let stopped = false;
    const times: number[] = [];
    const operations: number[] = [];
    const upstream: number[] = [];
    let previous: Record<string, number> | undefined;
    let chart: uPlot | undefined;
    const sample = async () => {
      try {
        const res = await fetch("/readyz", { cache: "no-store" });
        if (!stopped) setReady({ status: res.status, body: await res.json().catch(() => undefined) });
      } catch (error) {
        if (!stopped) setReady({ status: 0, body: describeError(error) });
      }
      try {
        const { eventDelivery } = await api.request(EVENT_DELIVERY);
        if (!stopped) setDelivery(eventDelivery);
      } catch (error) {
        if (!stopped) setProblem(describeError(error));
      }
      if (!settings.metricsPath) return;
      try {
        const sums = sumMetrics(await (await fetch(settings.metricsPath, { cache: "no-store" })).text());
        if (stopped) return;
        setLatest(sums);
        // The chart shows per-second rates between samples taken while this page is open.
        if (previous) {
          times.push(Date.now() / 1000);
          operations.push(Math.max(0, (sums.graphql_operations_total ?? 0) - (previous.graphql_operations_total ?? 0)) / (SAMPLE_MS / 1000));
          upstream.push(Math.max(0, (sums.upstream_requests_total ?? 0) - (previous.upstream_requests_total ?? 0)) / (SAMPLE_MS / 1000));
          for (const series of [times, operations, upstream]) if (series.length > KEEP_SAMPLES) series.shift();
          if (chartBox.current) chartBox.current.dataset.points = String(times.length);
          if (!chart && chartBox.current) {
            chart = new uPlot(
              {
                width: Math.min(chartBox.current.clientWidth || 600, 900),
                height: 200,
                series: [{}, { label: "GraphQL ops/s", stroke: "#2563eb", width: 2 }, { label: "Concur calls/s", stroke: "#d97706", width: 2 }],
                axes: [{}, { size: 40 }],
              },
              [times, operations, upstream],
              chartBox.current,
            );
          } else chart?.setData([times, operations, upstream]);
        }
        previous = sums;
      } catch {
        // Metrics are optional (METRICS_PATH=off or a proxy in front): the numbers simply stay empty.
      }
    };
    void sample();
    const timer = setInterval(() => void sample(), SAMPLE_MS);
    const onResize = () => chart && chartBox.current && chart.setSize({ width: Math.min(chartBox.current.clientWidth, 900), height: 200 });
    window.addEventListener("resize", onResize);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener("resize", onResize);
      chart?.destroy();
    };
  }, [api, settings.metricsPath]);

  const readyBody = ready?.body as { status?: string; checks?: Record<string, unknown> } | undefined;
  return (
    <section aria-labelledby="health-title">
      <div className="page-head">
        <h2 id="health-title">Health</h2>
      </div>
      <Problem text={problem} />
      <h3>Readiness</h3>
      <p data-testid="readiness">
        {ready === undefined ? "checking…" : ready.status === 200 ? <span className="state state-connected">Ready</span> : <span className="state state-needs_reconnect">Not ready (HTTP {ready.status})</span>}
      </p>
      {readyBody && typeof readyBody === "object" && (
        <details>
          <summary>/readyz answer</summary>
          <pre className="wrap">{JSON.stringify(readyBody, null, 2)}</pre>
        </details>
      )}
      <h3>ESS event delivery</h3>
      {delivery && (
        <div data-testid="event-delivery">
          <p>
            Mode <strong>{delivery.mode}</strong>
            {delivery.reason ? ` — ${delivery.reason}` : ""}
          </p>
          <p className="wrap">
            Webhook: <code>{delivery.webhookUrl ?? "—"}</code> · last checked {when(delivery.lastCheckedAt)} · next {when(delivery.nextCheckAt)}
          </p>
          {delivery.dataCenters.length > 0 && (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Data center</th>
                    <th scope="col">State</th>
                    <th scope="col">Companies</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {delivery.dataCenters.map((dc) => (
                    <tr key={dc.baseUrl}>
                      <td className="wrap">{dc.name}</td>
                      <td>{dc.state}</td>
                      <td>{dc.connectedCompanies}</td>
                      <td className="wrap">{dc.error ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
      <h3>Numbers (this replica, since it started)</h3>
      {!settings.metricsPath && <p>Metrics are off (METRICS_PATH=off).</p>}
      {latest && (
        <dl className="numbers" data-testid="metrics">
          {SERIES.map(({ metric, label }) => (
            <div key={metric}>
              <dt>{label}</dt>
              <dd>{latest[metric] ?? 0}</dd>
            </div>
          ))}
          <div>
            <dt>{REFRESHES.label}</dt>
            <dd>{latest.refreshes ?? 0}</dd>
          </div>
        </dl>
      )}
      <div ref={chartBox} className="chart" aria-label="Operations and Concur calls per second while this page is open" />
    </section>
  );
}
