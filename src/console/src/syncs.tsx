import { useEffect, useRef, useState, type FormEvent } from "react";
import { describeError, type Api } from "./api.js";
import { Problem } from "./ui.js";
import { CompanyPicker, isWritable, LISTS, SwitchCompany, useCompanyChoice } from "./company.js";
import { graphql } from "./gql/index.js";
import type { ConsoleListsQuery, ConsoleSyncMutation, ConsoleSyncProgressSubscription } from "./gql/graphql.js";

const PROGRESS = graphql(`subscription ConsoleSyncProgress($companyId: ID!, $syncId: ID!) {
  concurListSyncProgress(companyId: $companyId, syncId: $syncId) { syncId phase done total }
}`);
const SYNC = graphql(`mutation ConsoleSync($companyId: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID!) {
  syncConcurList(companyId: $companyId, target: $target, items: $items, dryRun: $dryRun, syncId: $syncId) {
    syncId dryRun created reactivated updated deleted unchanged failed conflicts bulkCalls
    errors { operation code message }
  }
}`);

type ConcurList = ConsoleListsQuery["concurLists"][number];
/** The bar's state: a progress event, or STARTING before the first one arrives. */
type Progress = Pick<ConsoleSyncProgressSubscription["concurListSyncProgress"], "done" | "total"> & { phase: ConsoleSyncProgressSubscription["concurListSyncProgress"]["phase"] | "STARTING" };
type SyncResult = ConsoleSyncMutation["syncConcurList"];

/** A demo ERP tree, one item per line (`CODE/CODE = Value`): 8 regions × 25 departments. */
function demoTree(): string {
  const lines: string[] = [];
  for (let r = 1; r <= 8; r++) {
    const region = `R${String(r).padStart(2, "0")}`;
    lines.push(`${region} = Region ${r}`);
    for (let d = 1; d <= 25; d++) lines.push(`${region}/D${String(d).padStart(2, "0")} = Department ${r}.${d}`);
  }
  return lines.join("\n");
}

/** Parses the tree text; throws naming the line that is not `CODE/CODE = Value`. */
function parseTree(text: string): Array<{ path: string[]; value: string }> {
  return text
    .split("\n")
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== "")
    .map(({ line, index }) => {
      const eq = line.indexOf("=");
      if (eq < 0) throw new Error(`line ${index + 1}: expected CODE/CODE = Value, got ${JSON.stringify(line)}`);
      return { path: line.slice(0, eq).trim().split("/").map((code) => code.trim()), value: line.slice(eq + 1).trim() };
    });
}

function newSyncId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function SyncsPage({ api }: { api: Api }) {
  const choice = useCompanyChoice();
  const { companyId } = choice;
  const company = choice.companies?.find((c) => c.companyId === companyId);
  /**
   * The company's writable lists, and how many it has in all (read-only or managed by another app included, for the
   * words when none is writable); undefined while reading, when it is not connected, or for a previous company.
   */
  const [read, setRead] = useState<{ companyId: string; writable: ConcurList[]; all: number }>();
  const lists = read?.companyId === companyId ? read.writable : undefined;
  const allLists = read?.all ?? 0;
  const [listId, setListId] = useState("");
  const [tree, setTree] = useState(demoTree);
  const [dryRun, setDryRun] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<Progress>();
  const [result, setResult] = useState<SyncResult>();
  const [problem, setProblem] = useState<string>();
  const stopProgress = useRef<() => void>();

  useEffect(() => () => stopProgress.current?.(), []);

  const connected = company?.state === "CONNECTED";
  useEffect(() => {
    setRead(undefined);
    setListId("");
    setProblem(undefined);
    if (!companyId || !connected) return;
    let live = true;
    api.request(LISTS, { companyId }).then(
      ({ concurLists }) => {
        if (!live) return;
        const writable = concurLists.filter(isWritable);
        setRead({ companyId, writable, all: concurLists.length });
        setListId(writable[0]?.id ?? "");
      },
      (error) => live && setProblem(describeError(error)),
    );
    return () => {
      live = false;
    };
  }, [api, companyId, connected]);

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setResult(undefined);
    let items;
    try {
      items = parseTree(tree);
    } catch (error) {
      setProblem(describeError(error));
      return;
    }
    const syncId = newSyncId();
    setRunning(true);
    setProgress({ phase: "STARTING", done: 0, total: 0 });
    stopProgress.current?.();
    // Subscribe first (the sync's id is ours), so no progress event is missed.
    stopProgress.current = api.subscribe(PROGRESS, { companyId, syncId }, ({ concurListSyncProgress: p }) => setProgress(p), setProblem);
    // The mutation goes over HTTP, the subscription over the WebSocket: on a fast gateway a sync sent at once can be
    // over before the subscription is set up, and the page would only see its DONE.
    await api.subscriptionsSent();
    try {
      const { syncConcurList } = await api.request(SYNC, { companyId, target: { concurListId: listId }, items, dryRun, syncId });
      setResult(syncConcurList);
      // The answer means the sync is over, whether or not its DONE event has arrived yet.
      setProgress((p) => ({ phase: "DONE", done: p?.total || 1, total: p?.total || 1 }));
    } catch (error) {
      setProblem(describeError(error));
    } finally {
      setRunning(false);
    }
  };

  const percent = progress ? (progress.phase === "DONE" ? 100 : progress.total > 0 ? Math.min(99, Math.floor((progress.done / progress.total) * 100)) : 0) : 0;
  return (
    <section aria-labelledby="syncs-title">
      <div className="page-head">
        <h2 id="syncs-title">List sync</h2>
      </div>
      <p>Makes a Concur list equal to an ERP tree (syncConcurList): only the differences are sent. A dry run plans without writing.</p>
      <form className="create" onSubmit={(e) => void run(e)} aria-label="Start a list sync">
        <CompanyPicker choice={choice} />
        {company && !connected && (
          <p className="empty" role="status" data-testid="company-empty">
            Company <code>{companyId}</code> is not connected ({company.state.toLowerCase().replace("_", " ")}): nothing can be synced to it.
            <SwitchCompany choice={choice} />
          </p>
        )}
        {lists && lists.length === 0 && (
          <p className="empty" role="status" data-testid="company-empty">
            Company <code>{companyId}</code> has no writable Concur list{" "}
            {allLists === 0 ? "(it has no Concur lists at all)" : `(its ${allLists} lists are read-only or managed by another app)`}, so there is nothing to sync
            to.
            <SwitchCompany choice={choice} />
          </p>
        )}
        {lists && lists.length > 0 && (
          <label>
            Concur list
            <select value={listId} onChange={(e) => setListId(e.target.value)} data-testid="list-select">
              {lists.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} ({l.levelCount} levels)
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="wide">
          ERP tree (one item a line: CODE/CODE = Value)
          <textarea value={tree} onChange={(e) => setTree(e.target.value)} rows={8} spellCheck={false} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (plan only)
        </label>
        <button type="submit" disabled={running || !lists || !listId || !connected}>
          {running ? "Syncing…" : "Start sync"}
        </button>
      </form>
      <Problem text={problem ?? choice.problem} />
      {progress && (
        <div className="progress" data-testid="sync-progress" data-phase={progress.phase} data-percent={percent}>
          <label htmlFor="sync-bar">
            {progress.phase === "DONE" ? "Done" : `Phase ${progress.phase}`}: {progress.done}
            {progress.total ? ` / ${progress.total}` : ""}
          </label>
          <progress id="sync-bar" max={100} value={percent} aria-valuetext={`${percent} %`}>
            {percent} %
          </progress>
          <span data-testid="sync-percent">{percent} %</span>
        </div>
      )}
      {result && (
        <dl className="numbers" data-testid="sync-result">
          {(["created", "reactivated", "updated", "deleted", "unchanged", "failed", "conflicts", "bulkCalls"] as const).map((k) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{result[k]}</dd>
            </div>
          ))}
        </dl>
      )}
      {result && result.errors.length > 0 && (
        <ul className="error">
          {result.errors.map((e, i) => (
            <li key={i}>
              {e.operation} {e.code}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
