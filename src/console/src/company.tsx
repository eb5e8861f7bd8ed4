// The company the one-company pages (Syncs, Requests) work on: one choice for the tab, kept in sessionStorage (like
// the API key) so it survives moving between pages and reloads. With nothing chosen the pages open on a default: the
// first connected company, of the first few by id, that has a writable Concur list (in the demo the Professional
// company with the demo lists, not the Standard one that sorts first). The check is bounded and made once per tab
// load, whatever the number of companies or page views.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { describeError, type Api } from "./api.js";
import { graphql } from "./gql/index.js";
import type { ConnectionState } from "./gql/graphql.js";

const COMPANIES = graphql(`query ConsoleCompanies { companyConnections { companyId state } }`);
/** The company's Concur lists: the Syncs page's read, and the default's check (the gateway caches it per company). */
export const LISTS = graphql(`query ConsoleLists($companyId: ID!) { concurLists(companyId: $companyId) { id name levelCount isReadOnly isManaged } }`);

/** How many connected companies (first by id) are checked for a writable list when nothing was chosen. */
export const DEFAULT_CHECKS = 5;
const STORAGE = "concur-graph.console.companyId";

/** The chosen company lives in sessionStorage: this tab only, cleared on sign-out. */
export const storedCompany = {
  get: (): string | null => sessionStorage.getItem(STORAGE),
  set: (companyId: string) => sessionStorage.setItem(STORAGE, companyId),
  clear: () => sessionStorage.removeItem(STORAGE),
};

export interface Company {
  companyId: string;
  state: ConnectionState;
}

/** What the default's check learnt: the companies checked and which of them have a writable list. */
interface Checked {
  checked: string[];
  withLists: string[];
}

interface Shared {
  api: Api;
  chosen: string | null;
  choose: (companyId: string) => void;
  /** The default's check, made once per tab load for a given list of candidates. */
  check: (candidates: string[]) => Promise<Checked>;
}

const CompanyContext = createContext<Shared | null>(null);

export const isWritable = (list: { isReadOnly: boolean; isManaged: boolean }) => !list.isReadOnly && !list.isManaged;

/** Holds the tab's company choice for the pages below it (one per signed-in session). */
export function CompanyChoiceProvider({ api, children }: { api: Api; children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(storedCompany.get);
  const checks = useRef(new Map<string, Promise<Checked>>());
  const choose = useCallback((companyId: string) => {
    storedCompany.set(companyId);
    setChosen(companyId);
  }, []);
  // Stable for the session (not remade by a choice), so the pages do not read their companies again on each pick.
  const check = useCallback(
    (candidates: string[]) => {
      const key = candidates.join(",");
      let found = checks.current.get(key);
      if (!found) {
        // At most DEFAULT_CHECKS reads, side by side; a company whose read fails counts as one without lists.
        found = Promise.all(
          candidates.map((companyId) =>
            api.request(LISTS, { companyId }).then(
              ({ concurLists }) => concurLists.some(isWritable),
              () => false,
            ),
          ),
        ).then((has) => ({ checked: candidates, withLists: candidates.filter((_, i) => has[i]) }));
        checks.current.set(key, found);
      }
      return found;
    },
    [api],
  );
  const shared = useMemo<Shared>(() => ({ api, chosen, choose, check }), [api, chosen, choose, check]);
  return <CompanyContext.Provider value={shared}>{children}</CompanyContext.Provider>;
}

export interface CompanyChoice {
  /** The companies of the picker, sorted by id; undefined while loading. */
  companies?: Company[];
  /** The company the page works on; "" until known. */
  companyId: string;
  /** How the page got it: picked by the operator (this tab), or the default. */
  origin: "chosen" | "default";
  /** Why the default is the one it is, in words (for the note under the picker). */
  defaultReason?: string;
  choose: (companyId: string) => void;
  /** Another company to suggest when this one has nothing for the page: one with a writable list, else connected. */
  suggestion?: string;
  problem?: string;
}

/** The tab's company choice, with the companies to pick from and a default when nothing (still listed) was chosen. */
export function useCompanyChoice(): CompanyChoice {
  const shared = useContext(CompanyContext);
  if (!shared) throw new Error("useCompanyChoice needs a CompanyChoiceProvider");
  const { api, chosen, choose, check } = shared;
  const [companies, setCompanies] = useState<Company[]>();
  const [checked, setChecked] = useState<Checked>();
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    let live = true;
    api.request(COMPANIES).then(
      ({ companyConnections }) => {
        if (!live) return;
        const sorted = [...companyConnections].sort((a, b) => (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0));
        setCompanies(sorted);
        const candidates = sorted.filter((c) => c.state === "CONNECTED").slice(0, DEFAULT_CHECKS).map((c) => c.companyId);
        void check(candidates).then((result) => live && setChecked(result));
      },
      (error) => live && setProblem(describeError(error)),
    );
    return () => {
      live = false;
    };
  }, [api, check]);

  const connected = companies?.filter((c) => c.state === "CONNECTED") ?? [];
  const chosenListed = chosen !== null && companies?.some((c) => c.companyId === chosen) === true;
  let companyId = "";
  let defaultReason: string | undefined;
  if (chosenListed) companyId = chosen;
  else if (companies && checked) {
    const withList = checked.withLists[0];
    if (withList) {
      companyId = withList;
      defaultReason = `the first connected company with a writable Concur list (of the first ${DEFAULT_CHECKS} by id)`;
    } else if (connected[0]) {
      companyId = connected[0].companyId;
      defaultReason = `the first connected company (none of the first ${DEFAULT_CHECKS} by id has a writable Concur list)`;
    } else if (companies[0]) {
      companyId = companies[0].companyId;
      defaultReason = "the first company listed (none is connected)";
    }
  }
  const suggestion = checked?.withLists.find((id) => id !== companyId) ?? connected.find((c) => c.companyId !== companyId)?.companyId;
  return { companies, companyId, origin: chosenListed ? "chosen" : "default", defaultReason, choose, suggestion, problem };
}

const STATE_SUFFIX: Record<ConnectionState, string> = { CONNECTED: "", NEEDS_RECONNECT: " (needs reconnect)", DISCONNECTED: " (disconnected)" };

/** The Company select of a one-company page, and a note saying whether it is the tab's choice or the default. */
export function CompanyPicker({ choice }: { choice: CompanyChoice }) {
  const { companies, companyId, origin, defaultReason, choose } = choice;
  return (
    <>
      <label>
        Company
        <select value={companyId} onChange={(e) => choose(e.target.value)} disabled={!companies || !companyId} data-testid="company-select" data-origin={origin}>
          {!companyId && <option value="">{companies && companies.length === 0 ? "(no company)" : "Loading…"}</option>}
          {(companies ?? []).map((c) => (
            <option key={c.companyId} value={c.companyId}>
              {c.companyId}
              {STATE_SUFFIX[c.state]}
            </option>
          ))}
        </select>
      </label>
      {companyId && (
        <p className="company-origin" data-testid="company-origin">
          {origin === "chosen" ? "Chosen in this tab (Syncs and Requests share it)." : `Default: ${defaultReason}. Pick another to keep it for this tab.`}
        </p>
      )}
    </>
  );
}

/** A button that switches the page (and the tab's choice) to the suggested company. */
export function SwitchCompany({ choice }: { choice: CompanyChoice }) {
  if (!choice.suggestion) return <> No other connected company to suggest.</>;
  const suggestion = choice.suggestion;
  return (
    <>
      {" "}
      Try <code className="wrap">{suggestion}</code>{" "}
      <button type="button" onClick={() => choice.choose(suggestion)}>
        Switch company
      </button>
    </>
  );
}
