import { useEffect, useMemo, useState, type FormEvent } from "react";
import { canWrite, createApi, describeError, isAdmin, loadSettings, storedKey, type Api, type Settings, type Viewer } from "./api.js";
import { ConnectionsPage } from "./connections.js";
import { HealthPage } from "./health.js";
import { DocumentsPage } from "./documents.js";
import { KeysPage } from "./keys.js";
import { RequestsPage } from "./requests.js";
import { SyncsPage } from "./syncs.js";
import { CompanyChoiceProvider, storedCompany } from "./company.js";
import { graphql } from "./gql/index.js";

const VIEWER = graphql(`query ConsoleViewer { viewer { kind keyId role companies } }`);

interface Session {
  api: Api;
  viewer: Viewer;
}

type PageId = "connections" | "keys" | "health" | "syncs" | "requests" | "documents";
const PAGES: Array<{ id: PageId; label: string; visible: (viewer: Viewer) => boolean }> = [
  { id: "connections", label: "Connections", visible: () => true },
  { id: "keys", label: "API keys", visible: isAdmin },
  { id: "health", label: "Health", visible: () => true },
  { id: "syncs", label: "Syncs", visible: canWrite },
  { id: "requests", label: "Requests", visible: () => true },
  { id: "documents", label: "Documents", visible: () => true },
];

function currentPage(): PageId {
  const id = window.location.hash.replace(/^#\/?/, "");
  return (PAGES.some((page) => page.id === id) ? id : "connections") as PageId;
}

export function App() {
  const [settings, setSettings] = useState<Settings>();
  const [session, setSession] = useState<Session>();
  const [problem, setProblem] = useState<string>();
  const [checking, setChecking] = useState(false);
  const [page, setPage] = useState<PageId>(currentPage);

  useEffect(() => {
    const onHash = () => setPage(currentPage());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const signIn = async (loaded: Settings, key: string) => {
    setChecking(true);
    const api = createApi(loaded, key);
    try {
      const { viewer } = await api.request(VIEWER);
      storedKey.set(key);
      setProblem(undefined);
      setSession({ api, viewer: { ...viewer, role: viewer.role.toLowerCase() as Viewer["role"] } });
    } catch (error) {
      api.close();
      storedKey.clear();
      setProblem(describeError(error));
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    loadSettings().then(
      (loaded) => {
        setSettings(loaded);
        const key = storedKey.get();
        if (key) void signIn(loaded, key);
      },
      (error) => setProblem(describeError(error)),
    );
  }, []);

  const signOut = () => {
    session?.api.close();
    storedKey.clear();
    storedCompany.clear();
    setSession(undefined);
  };

  const visiblePages = useMemo(() => (session ? PAGES.filter((p) => p.visible(session.viewer)) : []), [session]);

  if (!session) {
    return <SignIn busy={checking || !settings} problem={problem} onSubmit={(key) => settings && void signIn(settings, key)} />;
  }
  const shown = visiblePages.some((p) => p.id === page) ? page : "connections";
  return (
    <div className="shell">
      <header className="top">
        <h1>concur-graph console</h1>
        <nav aria-label="Pages">
          {visiblePages.map((p) => (
            <a key={p.id} href={`#/${p.id}`} aria-current={p.id === shown ? "page" : undefined}>
              {p.label}
            </a>
          ))}
        </nav>
        <div className="who">
          <span title={`companies: ${session.viewer.companies.join(", ")}`}>
            {session.viewer.kind === "API_KEY" ? "key" : "JWT"} <code>{session.viewer.keyId}</code> · <span data-testid="viewer-role">{session.viewer.role}</span>
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main>
        <CompanyChoiceProvider api={session.api}>
          {shown === "connections" && <ConnectionsPage api={session.api} viewer={session.viewer} settings={settings!} />}
          {shown === "keys" && <KeysPage api={session.api} viewer={session.viewer} />}
          {shown === "health" && <HealthPage api={session.api} settings={settings!} />}
          {shown === "syncs" && <SyncsPage api={session.api} />}
          {shown === "requests" && <RequestsPage api={session.api} />}
          {shown === "documents" && <DocumentsPage api={session.api} />}
        </CompanyChoiceProvider>
      </main>
    </div>
  );
}

function SignIn({ busy, problem, onSubmit }: { busy: boolean; problem?: string; onSubmit: (key: string) => void }) {
  const [key, setKey] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) onSubmit(key.trim());
  };
  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">concur-graph console</h1>
        <p>Sign in with one of the gateway's API keys. It is kept in this tab only (sessionStorage) and sent as a bearer token.</p>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder="cg_…" autoFocus />
        <button type="submit" disabled={busy || !key.trim()}>
          Sign in
        </button>
        {problem && (
          <p role="alert" className="error">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
