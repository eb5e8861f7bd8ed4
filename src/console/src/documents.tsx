import { useEffect, useState } from "react";
import { describeError, type Api } from "./api.js";
import { Problem } from "./ui.js";
import { graphql } from "./gql/index.js";
import type { ConsoleFisWalkQuery, FinancialDocType } from "./gql/graphql.js";

const COMPANIES = graphql(`query ConsoleFisCompanies { companyConnections { companyId state } }`);
const WALK = graphql(`query ConsoleFisWalk($companyId: ID!, $docType: FinancialDocType!, $after: String) {
  financialDocuments(companyId: $companyId, docType: $docType, first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } }
}`);
const DOC_TYPES: readonly FinancialDocType[] = ["EXPENSE", "INVOICE", "CASH_ADVANCE", "PAYROLL", "REQUEST_OBLIGATION", "REPORT_OBLIGATION"];
/** A count stops here ("5000+"): counting walks the READY queue page by page, and Concur's FIS is read for each page. */
const COUNT_CAP = 5000;

type Count = { state: "counting" } | { state: "done"; count: number; more: boolean } | { state: "failed"; message: string };

/** READY documents of one company and doc type: a read-only walk of `financialDocuments` (nothing is acknowledged). */
async function countReady(api: Api, companyId: string, docType: FinancialDocType): Promise<{ count: number; more: boolean }> {
  let count = 0;
  let after: string | null = null;
  for (;;) {
    const page: ConsoleFisWalkQuery = await api.request(WALK, { companyId, docType, after });
    count += page.financialDocuments.edges.length;
    if (!page.financialDocuments.pageInfo.hasNextPage) return { count, more: false };
    if (count >= COUNT_CAP) return { count, more: true };
    after = page.financialDocuments.pageInfo.endCursor;
  }
}

export function DocumentsPage({ api }: { api: Api }) {
  const [companies, setCompanies] = useState<string[]>([]);
  const [counts, setCounts] = useState<Record<string, Count>>({});
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    api.request(COMPANIES).then(
      ({ companyConnections }) => setCompanies(companyConnections.filter((c) => c.state === "CONNECTED").map((c) => c.companyId)),
      (error) => setProblem(describeError(error)),
    );
  }, [api]);

  // Counted on request, one company at a time: each count reads FIS (the gateway paces and caches those reads).
  const count = async (companyId: string) => {
    for (const docType of DOC_TYPES) {
      const key = `${companyId}:${docType}`;
      setCounts((old) => ({ ...old, [key]: { state: "counting" } }));
      try {
        const { count: n, more } = await countReady(api, companyId, docType);
        setCounts((old) => ({ ...old, [key]: { state: "done", count: n, more } }));
      } catch (error) {
        setCounts((old) => ({ ...old, [key]: { state: "failed", message: describeError(error) } }));
      }
    }
  };

  return (
    <section aria-labelledby="documents-title">
      <div className="page-head">
        <h2 id="documents-title">Financial documents</h2>
      </div>
      <p>READY documents waiting in each company's FIS queue, by doc type (read only: nothing is acknowledged). Counting walks the queue, so it runs when asked.</p>
      <Problem text={problem} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Company</th>
              {DOC_TYPES.map((t) => (
                <th scope="col" key={t}>
                  {t.replace("_", " ").toLowerCase()}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {companies.map((companyId) => (
              <tr key={companyId} data-testid="documents-row" data-company={companyId}>
                <td className="wrap">
                  <code>{companyId}</code>
                </td>
                {DOC_TYPES.map((docType) => {
                  const c = counts[`${companyId}:${docType}`];
                  return (
                    <td key={docType} data-testid={`count-${docType}`} data-count={c?.state === "done" ? c.count : undefined}>
                      {!c ? "—" : c.state === "counting" ? "…" : c.state === "failed" ? <span className="error wrap">{c.message}</span> : `${c.count}${c.more ? "+" : ""}`}
                    </td>
                  );
                })}
                <td>
                  <button type="button" onClick={() => void count(companyId)}>
                    Count
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
