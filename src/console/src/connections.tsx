import { useCallback, useEffect, useRef, useState } from "react";
import { describeError, isAdmin, type Api, type Settings, type Viewer } from "./api.js";
import { CopyButton, Problem, when } from "./ui.js";
import { graphql } from "./gql/index.js";
import type { ConnectionState, ConsoleConnectionsQuery } from "./gql/graphql.js";

const CONNECTIONS = graphql(`query ConsoleConnections {
  companyConnections {
    companyId state geolocation accessTokenExpiresAt refreshTokenExpiresAt lastRefreshAt connectedAt connectedBy
    lastError { code message at }
  }
}`);
const EDITION = graphql(`query ConsoleEdition($companyId: ID!) { companyEdition(companyId: $companyId) { edition postingChannel } }`);
const CHANGED = graphql(`subscription ConsoleConnectionChanged($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state reason } }`);
const DISCONNECT = graphql(`mutation ConsoleDisconnect($companyId: ID!) { disconnectCompany(companyId: $companyId) }`);

type State = ConnectionState;
type Connection = ConsoleConnectionsQuery["companyConnections"][number];
interface Row extends Partial<Connection> {
  companyId: string;
  state: State;
  /** The last change pushed over graphql-ws, in words. */
  reason?: string;
  edition?: string;
}

const STATE_WORDS: Record<State, string> = {
  CONNECTED: "Connected",
  NEEDS_RECONNECT: "Needs reconnect",
  DISCONNECTED: "Disconnected",
};

export function ConnectionsPage({ api, viewer, settings }: { api: Api; viewer: Viewer; settings: Settings }) {
  const [rows, setRows] = useState<Map<string, Row>>(new Map());
  const [problem, setProblem] = useState<string>();
  const [loaded, setLoaded] = useState(false);
  const [confirming, setConfirming] = useState<string>();
  const admin = isAdmin(viewer);
  const landingUrl = settings.connectPath ? new URL(settings.connectPath, settings.publicUrl ?? window.location.origin).toString() : undefined;

  const load = useCallback(async () => {
    try {
      const { companyConnections } = await api.request(CONNECTIONS);
      setRows((old) => {
        const next = new Map<string, Row>();
        for (const c of companyConnections) next.set(c.companyId, { ...old.get(c.companyId), ...c, reason: old.get(c.companyId)?.reason });
        // A company disconnected while the page is open stays listed, as disconnected.
        for (const [id, row] of old) if (!next.has(id)) next.set(id, { ...row, state: "DISCONNECTED", accessTokenExpiresAt: null });
        return next;
      });
      setProblem(undefined);
      for (const c of companyConnections) {
        // Edition and posting channel: cached by the gateway (weekly check), one small query per company.
        api.request(EDITION, { companyId: c.companyId }).then(
          ({ companyEdition }) => setRows((old) => new Map(old).set(c.companyId, { ...old.get(c.companyId)!, edition: `${companyEdition.edition} · ${companyEdition.postingChannel}` })),
          () => undefined,
        );
      }
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setLoaded(true);
    }
  }, [api]);

  useEffect(() => void load(), [load]);

  // One live subscription per company listed: state changes arrive without a reload.
  const subscribed = useRef(new Map<string, () => void>());
  const companyIds = [...rows.keys()].sort().join(",");
  useEffect(() => {
    for (const companyId of companyIds ? companyIds.split(",") : []) {
      if (subscribed.current.has(companyId)) continue;
      subscribed.current.set(
        companyId,
        api.subscribe(CHANGED, { companyId }, ({ companyConnectionChanged: change }) => {
          setRows((old) => new Map(old).set(change.companyId, { ...old.get(change.companyId)!, state: change.state, reason: change.reason }));
          void load();
        }),
      );
    }
  }, [api, companyIds, load]);
  useEffect(() => {
    const subscriptions = subscribed.current;
    return () => {
      for (const stop of subscriptions.values()) stop();
      subscriptions.clear();
    };
  }, []);

  const disconnect = async (companyId: string) => {
    setConfirming(undefined);
    try {
      await api.request(DISCONNECT, { companyId });
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const list = [...rows.values()].sort((a, b) => a.companyId.localeCompare(b.companyId));
  return (
    <section aria-labelledby="connections-title">
      <div className="page-head">
        <h2 id="connections-title">Connections</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      {admin && landingUrl && (
        <p className="landing">
          <span>App Center landing URL:</span> <code className="wrap">{landingUrl}</code> <CopyButton text={landingUrl} label="Copy landing URL" />
        </p>
      )}
      <Problem text={problem} />
      {loaded && list.length === 0 && <p>No company is connected, or this key may act for none.</p>}
      <ul className="cards">
        {list.map((row) => (
          <li key={row.companyId} className="card" data-testid="connection" data-company={row.companyId} data-state={row.state}>
            <div className="card-head">
              <h3 className="wrap" title={row.companyId}>
                {row.companyId}
              </h3>
              <span className={`state state-${row.state.toLowerCase()}`} data-testid="state">
                {STATE_WORDS[row.state]}
              </span>
            </div>
            <dl>
              <dt>Data center</dt>
              <dd className="wrap">{row.geolocation ?? "—"}</dd>
              <dt>Edition</dt>
              <dd>{row.edition ?? "—"}</dd>
              <dt>Access token expires</dt>
              <dd>{when(row.accessTokenExpiresAt)}</dd>
              <dt>Refresh token expires</dt>
              <dd>{when(row.refreshTokenExpiresAt)}</dd>
              <dt>Connected</dt>
              <dd className="wrap">
                {when(row.connectedAt)}
                {row.connectedBy ? ` by ${row.connectedBy}` : ""}
              </dd>
              {row.lastError && (
                <>
                  <dt>Last error</dt>
                  <dd className="error wrap">
                    {row.lastError.message} ({row.lastError.code}, {when(row.lastError.at)})
                  </dd>
                </>
              )}
              {row.reason && (
                <>
                  <dt>Last change</dt>
                  <dd className="wrap" data-testid="reason">
                    {row.reason}
                  </dd>
                </>
              )}
            </dl>
            {row.state === "NEEDS_RECONNECT" && <p className="hint">The customer must connect again from the App Center (Concur refused the stored token).</p>}
            {admin && row.state !== "DISCONNECTED" && (
              <div className="actions">
                {confirming === row.companyId ? (
                  <>
                    <button type="button" className="danger" onClick={() => void disconnect(row.companyId)}>
                      Confirm disconnect
                    </button>
                    <button type="button" onClick={() => setConfirming(undefined)}>
                      Cancel
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setConfirming(row.companyId)}>
                    Disconnect
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
