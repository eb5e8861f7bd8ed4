// GraphiQL 5 for the gateway's GET /graphql page, bundled by Vite (src/graphiql/vite.config.ts) into dist/graphiql with
// Monaco's editor, JSON and GraphQL workers, so the page needs nothing from outside the gateway (src/http/graphiql.ts).
// The gateway writes this page's settings into index.html as JSON: the GraphQL path (HTTP and graphql-ws), the
// example query and the headers the page opens with.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./styles.css";
import { createGraphiQLFetcher, type Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { createClient } from "graphql-ws";
import { createRoot } from "react-dom/client";

/** What the gateway tells the page (src/http/graphiql.ts, `GraphiQLSettings`). */
interface Settings {
  graphqlPath: string;
  query?: string;
  headers?: Record<string, string>;
}

/** The installed graphiql's version, fixed at build time (vite.config.ts). */
declare const __GRAPHIQL_VERSION__: string;

function readSettings(): Settings {
  const element = document.getElementById("graphiql-settings");
  const parsed = element?.textContent ? (JSON.parse(element.textContent) as Partial<Settings>) : {};
  return { graphqlPath: "/graphql", ...parsed };
}

const settings = readSettings();
const defaultHeaders = settings.headers ?? {};
const httpUrl = new URL(settings.graphqlPath, window.location.href).toString();
const wsUrl = httpUrl.replace(/^http/, "ws");

// Subscriptions authenticate through connectionParams, with the headers typed in the editor: the socket opens lazily,
// on the first subscription, with the headers of the operation that opened it.
let currentHeaders: Record<string, unknown> = defaultHeaders;
const wsClient = createClient({ url: wsUrl, lazy: true, connectionParams: () => currentHeaders });
const httpFetcher = createGraphiQLFetcher({ url: httpUrl, wsClient });
const fetcher: Fetcher = (params, options) => {
  currentHeaders = options?.headers ?? currentHeaders;
  return httpFetcher(params, options);
};

document.documentElement.dataset.graphiqlVersion = __GRAPHIQL_VERSION__;

createRoot(document.getElementById("graphiql")!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={settings.query ?? ""}
    defaultHeaders={JSON.stringify(defaultHeaders, null, 2)}
    shouldPersistHeaders={false}
    defaultEditorToolsVisibility={Object.keys(defaultHeaders).length > 0 ? "headers" : undefined}
  >
    <GraphiQL.Logo>
      GraphiQL <span className="concur-graph-graphiql-version">{__GRAPHIQL_VERSION__}</span>
    </GraphiQL.Logo>
  </GraphiQL>,
);
