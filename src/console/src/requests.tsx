import { useCallback, useEffect, useState } from "react";
import { describeError, type Api } from "./api.js";
import { Problem, when } from "./ui.js";
import { CompanyPicker, SwitchCompany, useCompanyChoice } from "./company.js";
import { graphql } from "./gql/index.js";
import type { ConsoleRecentRequestsQuery, ConsoleRequestErrorsQuery } from "./gql/graphql.js";

/** The company's ERP integrations: read only when it has no recent request, to say why. */
const ERPS = graphql(`query ConsoleRequestErps($companyId: ID!) { erpIntegrations(companyId: $companyId) { erpId erpName } }`);
const RECENT = graphql(`query ConsoleRecentRequests($companyId: ID!) {
  recentRequests(companyId: $companyId, first: 100) { firstSeenAt updatedAt request { requestId erpId status } }
}`);
const STATUS = graphql(`subscription ConsoleRequestStatus($companyId: ID!) { requestStatusChanged(companyId: $companyId) { requestId erpId status } }`);
const ERRORS = graphql(`query ConsoleRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) {
  request(companyId: $companyId, erpId: $erpId, requestId: $requestId) {
    status
    errors(first: 10, after: $after) {
      edges { node { objectType errorCode errorMessage values validationErrors { source errorCode errorMessage } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`);

type Recent = ConsoleRecentRequestsQuery["recentRequests"][number];
type ErrorsPage = ConsoleRequestErrorsQuery;

const FAILED = new Set(["PARTIAL", "ERROR"]);

export function RequestsPage({ api }: { api: Api }) {
  const choice = useCompanyChoice();
  const { companyId } = choice;
  /** The company's recent requests, with the company they are of (a late answer for the previous one is not shown). */
  const [read, setRead] = useState<{ companyId: string; rows: Recent[] }>();
  const recent = read?.companyId === companyId ? read.rows : undefined;
  /** The company's ERP names, read when it has no recent request; undefined while unknown. */
  const [erps, setErps] = useState<{ companyId: string; names: string[] | null }>();
  const [open, setOpen] = useState<Recent["request"]>();
  const [problem, setProblem] = useState<string>();

  const load = useCallback(async () => {
    if (!companyId) return;
    try {
      const rows = (await api.request(RECENT, { companyId })).recentRequests;
      setRead({ companyId, rows });
      setProblem(undefined);
    } catch (error) {
      setProblem(describeError(error));
    }
  }, [api, companyId]);

  useEffect(() => {
    if (!companyId) return;
    setRead(undefined);
    setOpen(undefined);
    void load();
    // Live: every status of the company's requests; the list is read again (new requests appear too).
    return api.subscribe(STATUS, { companyId }, () => void load(), setProblem);
  }, [api, companyId, load]);

  // No recent request: say whether the company has an ERP at all (one read per company shown empty).
  const empty = recent !== undefined && recent.length === 0;
  useEffect(() => {
    if (!empty || erps?.companyId === companyId) return;
    let live = true;
    api.request(ERPS, { companyId }).then(
      ({ erpIntegrations }) => live && setErps({ companyId, names: erpIntegrations.map((e) => e.erpName) }),
      () => live && setErps({ companyId, names: null }), // unknown: the message then says only that none was seen
    );
    return () => {
      live = false;
    };
  }, [api, companyId, empty, erps]);
  const erpNames = erps?.companyId === companyId ? erps.names : undefined;

  return (
    <section aria-labelledby="requests-title">
      <div className="page-head">
        <h2 id="requests-title">Write requests</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
      <p>Accounting Integration uploads this gateway saw lately (its own mutations, and statuses from polls and ESS events): at most 200 per company for 24 hours, in memory.</p>
      <form className="create" onSubmit={(e) => e.preventDefault()} aria-label="Company">
        <CompanyPicker choice={choice} />
      </form>
      <Problem text={problem ?? choice.problem} />
      {empty && erpNames !== undefined && (
        <p className="empty" role="status" data-testid="company-empty">
          {erpNames === null ? (
            <>
              No write request seen for company <code>{companyId}</code> lately.
            </>
          ) : erpNames.length === 0 ? (
            <>
              Company <code>{companyId}</code> has no ERP integration registered (registerErp), so it sends no write requests.
            </>
          ) : (
            <>
              No write request seen for company <code>{companyId}</code> lately (its ERP: {erpNames.join(", ")}); they appear here as they are sent or reported by ESS.
            </>
          )}
          <SwitchCompany choice={choice} />
        </p>
      )}
      {recent && recent.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">ERP</th>
                <th scope="col">Status</th>
                <th scope="col">First seen</th>
                <th scope="col">Updated</th>
                <th scope="col">Rejected records</th>
              </tr>
            </thead>
            <tbody>
              {recent.map(({ request, firstSeenAt, updatedAt }) => (
                <tr key={`${request.erpId}:${request.requestId}`} data-testid="request-row" data-request={request.requestId} data-status={request.status ?? ""}>
                  <td className="wrap">
                    <code>{request.requestId}</code>
                  </td>
                  <td className="wrap">
                    <code>{request.erpId}</code>
                  </td>
                  <td>
                    <span className={`state state-${request.status === "SUCCESS" ? "connected" : request.status && FAILED.has(request.status) ? "needs_reconnect" : "disconnected"}`}>{request.status ?? "unknown"}</span>
                  </td>
                  <td>{when(firstSeenAt)}</td>
                  <td>{when(updatedAt)}</td>
                  <td>
                    {request.status && FAILED.has(request.status) ? (
                      <button type="button" onClick={() => setOpen(request)} aria-pressed={open?.requestId === request.requestId}>
                        Show rejected records
                      </button>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && <RejectedRecords key={open.requestId} api={api} companyId={companyId} request={open} onClose={() => setOpen(undefined)} />}
    </section>
  );
}

/** The request's rejected records, 10 a page (the `errors` connection, read from Concur). */
function RejectedRecords({ api, companyId, request, onClose }: { api: Api; companyId: string; request: Recent["request"]; onClose: () => void }) {
  const [pages, setPages] = useState<string[]>([""]); // cursors of the pages visited; "" = the first
  const [page, setPage] = useState<ErrorsPage["request"]["errors"]>();
  const [problem, setProblem] = useState<string>();
  const after = pages[pages.length - 1] || null;

  useEffect(() => {
    setPage(undefined);
    api.request(ERRORS, { companyId, erpId: request.erpId, requestId: request.requestId, after }).then(
      (answer) => setPage(answer.request.errors),
      (error) => setProblem(describeError(error)),
    );
  }, [api, companyId, request, after]);

  return (
    <div className="panel" role="region" aria-label={`Rejected records of request ${request.requestId}`} data-testid="rejected">
      <div className="page-head">
        <h3 className="wrap">
          Rejected records of <code>{request.requestId}</code> (page {pages.length})
        </h3>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <Problem text={problem} />
      {!page && !problem && <p>Reading from Concur…</p>}
      {page && (
        <>
          <ol className="rejected" start={(pages.length - 1) * 10 + 1}>
            {page.edges.map(({ node }, i) => (
              <li key={i} data-testid="rejected-record">
                <code className="wrap">{node.values ?? "(no values)"}</code>
                <div className="error wrap">
                  {node.errorMessage ?? node.errorCode}
                  {node.validationErrors.map((v, j) => (
                    <div key={j}>
                      {v.source ? <strong>{v.source}</strong> : null} {v.errorMessage ?? v.errorCode}
                    </div>
                  ))}
                </div>
              </li>
            ))}
          </ol>
          <div className="actions">
            <button type="button" disabled={pages.length === 1} onClick={() => setPages((p) => p.slice(0, -1))}>
              Previous page
            </button>
            <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setPages((p) => [...p, page.pageInfo.endCursor ?? ""])}>
              Next page
            </button>
          </div>
        </>
      )}
    </div>
  );
}
