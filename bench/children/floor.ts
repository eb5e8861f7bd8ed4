// Bench child: the floor of a distinct caller's read. A hand-written node:http server that does only the work the
// bench's accounts query cannot do without, with none of a gateway's: read the POST body and parse its JSON, GET the
// upstream page with the caller's token (one undici Pool, as the proxy), parse that page, build the same answer the
// gateway builds (edges with the gateway's cursors, node { id name number type }, pageInfo) and write its JSON as the
// gateway writes a large answer (its bytes in chunks, answer-bytes.ts).
// No caches, limits, metrics, logs or retries. Two modes (BENCH_FLOOR_MODE):
// - "plain" (default): no GraphQL at all; the answer object is built by hand. The gap between it and the proxy is
//   what parsing the page and writing the answer cost on this machine.
// - "graphql": the same read behind GraphQL execution: the query compiled once by graphql-jit (as the gateway does)
//   over a minimal schema with the gateway's types and nullability for these fields, executed per request (the
//   resolvers return the page's records as nodes). The gap between it and "plain" is the GraphQL work for the
//   selected fields; the gap between the gateway and it is the gateway's own cost.
// It answers only the bench's query shape, from one upstream page (the bench's windows never span two).
// Env: BENCH_UPSTREAM (required), BENCH_PROXY_CONNECTIONS (default 64), BENCH_FLOOR_MODE (plain | graphql).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLFieldResolver, GraphQLObjectType } from "graphql";
import type { CompiledQuery } from "graphql-jit";
import { Pool } from "undici";
import { cursorEncoder } from "../../src/datasources/client/cursor.js";
import { answerByteLength, serializeAnswer, type AnswerBody } from "../../src/http/answer-bytes.js";

const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error("BENCH_UPSTREAM is required");
const pool = new Pool(upstream, { connections: Number(process.env.BENCH_PROXY_CONNECTIONS ?? 64) });
const mode = process.env.BENCH_FLOOR_MODE ?? "plain";
if (mode !== "plain" && mode !== "graphql") throw new Error(`BENCH_FLOOR_MODE: plain or graphql, not ${mode}`);

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

interface Accounts {
  edges: Array<{ cursor: string; node: { id: string; name: string; number: string | null; type: string | null } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * The answer's enum values, those of `AccountType` in src/schema/enums.ts (copied: importing it would load
 * type-graphql into the plain floor); an unknown type is null, as the gateway's `toAccount` makes it.
 */
const ACCOUNT_TYPES = new Set(["ACCOUNTS_PAYABLE", "ACCOUNTS_RECEIVABLE", "BANK", "COST_OF_GOODS_SOLD", "CREDIT_CARD", "DEPRECIATION", "EQUITY", "EXPENSE", "FIXED_ASSETS", "FUTURE_ASSETS", "INCOME", "LOAN", "LONG_TERM_LIABILITIES", "OTHER_ASSETS", "OTHER_CURRENT_ASSETS", "OTHER_CURRENT_LIABILITIES", "OTHER_EXPENSE", "OTHER_INCOME"]);

/** GET the upstream page the variables point at with the caller's token, and build the connection's edges from it. */
async function readAccounts(variables: Variables, authorization: string): Promise<Accounts> {
  const first = variables.first ?? 100;
  const listPath = `/accountingintegration/v4/companies/${variables.companyId}/erps/${variables.erpId}/accounts`;
  const position = variables.after ? decodeAfter(variables.after) : { p: null, o: 0 };
  const href = position.p === null ? null : position.p.startsWith("~") ? listPath + position.p.slice(1) : position.p;
  const path = href === null ? listPath : href.startsWith("http") ? ((u) => u.pathname + u.search)(new URL(href)) : href;
  const up = await pool.request({ path, method: "GET", headers: { authorization } });
  const page = JSON.parse(await up.body.text()) as { data: WireAccount[]; links?: { next?: { href?: string } } };
  const end = Math.min(page.data.length, position.o + first);
  const here = cursorEncoder(`accounts|${variables.companyId}|${variables.erpId}`, href, listPath);
  const next = page.links?.next?.href ?? null;
  const edges: Accounts["edges"] = [];
  for (let i = position.o; i < end; i++) {
    const a = page.data[i];
    const type = a.type !== undefined && ACCOUNT_TYPES.has(a.type) ? a.type : null;
    edges.push({ cursor: here(i + 1), node: { id: a.id, name: a.name, number: a.number ?? null, type } });
  }
  const hasNextPage = end < page.data.length || next !== null;
  const endCursor = edges.length > 0 ? edges[edges.length - 1].cursor : null;
  return { edges, pageInfo: { hasNextPage, endCursor } };
}

/**
 * "graphql" mode: the gateway's types and nullability for the bench's fields, nothing else; the query compiled once
 * per text, as the gateway's executor does. graphql and graphql-jit are loaded only in this mode, so the plain floor
 * carries no heap of theirs (its old generation, marked on every major GC, stays as small as a server's can be).
 */
async function graphqlExecutor(): Promise<(query: string) => CompiledQuery> {
  const { buildSchema, parse } = await import("graphql");
  const { compileQuery, isCompiledQuery } = await import("graphql-jit");
  const schema = buildSchema(`
    type Query { erpIntegration(companyId: ID!, erpId: ID!): ErpIntegration! }
    type ErpIntegration { accounts(first: Int, after: String): AccountConnection! }
    type AccountConnection { edges: [AccountEdge!]! pageInfo: PageInfo! }
    type AccountEdge { cursor: String! node: Account! }
    type Account { id: ID! name: String! number: String type: AccountType }
    enum AccountType { ${[...ACCOUNT_TYPES].join(" ")} }
    type PageInfo { endCursor: String hasNextPage: Boolean! }
  `);
  const erpIntegrationResolver: GraphQLFieldResolver<unknown, Context, Erp> = (_root, args) => args;
  const accountsResolver: GraphQLFieldResolver<Erp, Context, Pick<Variables, "first" | "after">> = (erp, args, context) =>
    readAccounts({ companyId: erp.companyId, erpId: erp.erpId, first: args.first, after: args.after }, context.authorization);
  schema.getQueryType()!.getFields().erpIntegration.resolve = erpIntegrationResolver as GraphQLFieldResolver<unknown, Context>;
  (schema.getType("ErpIntegration") as GraphQLObjectType).getFields().accounts.resolve = accountsResolver as GraphQLFieldResolver<unknown, Context>;
  const compiled = new Map<string, CompiledQuery>();
  return (query) => {
    let found = compiled.get(query);
    if (!found) {
      const result = compileQuery(schema, parse(query), undefined, { customJSONSerializer: false });
      if (!isCompiledQuery(result)) throw new Error(result.errors?.map((e) => e.message).join("; "));
      found = result;
      compiled.set(query, found);
    }
    return found;
  };
}
interface Context {
  authorization: string;
}
type Erp = Pick<Variables, "companyId" | "erpId">;
const compiledFor = mode === "graphql" ? await graphqlExecutor() : undefined;

async function answer(req: IncomingMessage): Promise<AnswerBody> {
  const { query, variables } = JSON.parse(await readBody(req)) as { query: string; variables: Variables };
  const authorization = req.headers.authorization ?? "";
  if (compiledFor === undefined) return serializeAnswer({ data: { erpIntegration: { accounts: await readAccounts(variables, authorization) } } });
  return serializeAnswer(await compiledFor(query).query(undefined, { authorization } satisfies Context, variables));
}

const server = createServer((req, res) => {
  answer(req).then(
    (body) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": answerByteLength(body) });
      if (typeof body === "string" || Buffer.isBuffer(body)) {
        res.end(body);
        return;
      }
      // One writev for all chunks (as the gateway's HTTP edge): corked, then released by end.
      res.cork();
      for (const chunk of body) res.write(chunk);
      res.end();
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
