// Bench child: the floor of a distinct caller's read. A hand-written node:http server that does only the work the
// bench's accounts query cannot do without, with none of a gateway's: read the POST body and parse its JSON, GET the
// upstream page with the caller's token (one undici Pool, as the proxy), parse that page, build the same answer the
// gateway builds (edges with the gateway's cursors, node { id name number type }, pageInfo) and write its JSON.
// No GraphQL parsing, validation or execution, no caches, no limits, no metrics, no logs, no retries. What this
// server costs per request is what any Node.js GraphQL server must spend for that answer on this machine: the gap
// between it and the proxy is the floor; the gap between the gateway and it is the gateway's own cost.
// It answers only the bench's query shape, from one upstream page (the bench's windows never span two).
// Env: BENCH_UPSTREAM (required), BENCH_PROXY_CONNECTIONS (default 64).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { cursorEncoder } from "../../src/datasources/client/cursor.js";

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error("BENCH_UPSTREAM is required");
const pool = new Pool(upstream, { connections: Number(process.env.BENCH_PROXY_CONNECTIONS ?? 64) });

interface Variables {
  companyId: string;
  erpId: string;
  after?: string | null;
  first?: number;
}

interface WireAccount {
  id: string;
  name: string;
  number?: string | null;
  type?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The gateway's cursor wire form: base64url of `{"v":2,"k":…,"p":href|"~…"|null,"o":offset}`. */
function decodeAfter(after: string): { p: string | null; o: number } {
  return JSON.parse(Buffer.from(after, "base64url").toString("utf8")) as { p: string | null; o: number };
}

async function answer(req: IncomingMessage): Promise<string> {
  const { variables } = JSON.parse(await readBody(req)) as { variables: Variables };
  const first = variables.first ?? 100;
  const listPath = `/accountingintegration/v4/companies/${variables.companyId}/erps/${variables.erpId}/accounts`;
  const position = variables.after ? decodeAfter(variables.after) : { p: null, o: 0 };
  const href = position.p === null ? null : position.p.startsWith("~") ? listPath + position.p.slice(1) : position.p;
  const path = href === null ? listPath : href.startsWith("http") ? ((u) => u.pathname + u.search)(new URL(href)) : href;
  const up = await pool.request({ path, method: "GET", headers: { authorization: req.headers.authorization ?? "" } });
  const page = JSON.parse(await up.body.text()) as { data: WireAccount[]; links?: { next?: { href?: string } } };
  const end = Math.min(page.data.length, position.o + first);
  const here = cursorEncoder(`accounts|${variables.companyId}|${variables.erpId}`, href, listPath);
  const next = page.links?.next?.href ?? null;
  const edges = [];
  for (let i = position.o; i < end; i++) {
    const a = page.data[i];
    edges.push({ cursor: here(i + 1), node: { id: a.id, name: a.name, number: a.number ?? null, type: a.type ?? null } });
  }
  const hasNextPage = end < page.data.length || next !== null;
  const endCursor = edges.length > 0 ? edges[edges.length - 1].cursor : null;
  return JSON.stringify({ data: { erpIntegration: { accounts: { edges, pageInfo: { hasNextPage, endCursor } } } } });
}

const server = createServer((req, res) => {
  answer(req).then(
    (json) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
      res.end(json);
    },
    () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}/graphql` })}\n`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.close().finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
