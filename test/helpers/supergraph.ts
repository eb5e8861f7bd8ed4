// A real supergraph around concur-graph for federation tests: a small partner subgraph, composition with
// @apollo/composition, and the two JS routers that install from npm (@apollo/gateway, Hive Gateway).
// Everything listens on port 0 and is stopped by the returned `stop()` (or by the cleanup registry).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { createGatewayRuntime, getGraphQLWSOptions } from "@graphql-hive/gateway";
import { parse } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { registerCleanup } from "./cleanup.js";

export interface Running {
  /** `http://host:port/graphql` (or the standalone server's `/`). */
  url: string;
  stop(): Promise<void>;
}

/** What the partner subgraph's `syncRuns` returns: each run references one of our requests by its key. */
export interface SyncRunRow {
  id: string;
  companyId: string;
  erpId: string;
  requestId: string;
}

export interface PartnerSubgraph extends Running {
  sdl: string;
  /** Rows `Query.syncRuns` serves; tests push the requests they created. */
  runs: SyncRunRow[];
  /** Authorization headers the partner received (proves the router forwards them to every subgraph). */
  authorizations: Array<string | undefined>;
}

/**
 * A partner's subgraph: extends our `ErpIntegration` with `partnerNotes` (resolved from the key alone) and
 * holds `SyncRun`s that reference our `Request` entity by `companyId erpId requestId` (a stub: `resolvable: false`).
 */
export const PARTNER_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type ErpIntegration @key(fields: "companyId erpId") {
    companyId: ID!
    erpId: ID!
    "Partner-side notes about this ERP integration."
    partnerNotes: String
  }

  type Request @key(fields: "companyId erpId requestId", resolvable: false) {
    companyId: ID!
    erpId: ID!
    requestId: ID!
  }

  type SyncRun {
    id: ID!
    request: Request!
  }

  type Query {
    syncRuns: [SyncRun!]!
  }
`;

export async function startPartnerSubgraph(): Promise<PartnerSubgraph> {
  const runs: SyncRunRow[] = [];
  const authorizations: Array<string | undefined> = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(PARTNER_SDL),
    resolvers: {
      Query: {
        syncRuns: () => runs,
      },
      SyncRun: {
        request: (run: SyncRunRow) => ({ __typename: "Request", companyId: run.companyId, erpId: run.erpId, requestId: run.requestId }),
      },
      ErpIntegration: {
        __resolveReference: (ref: { companyId: string; erpId: string }) => ref,
        partnerNotes: (ref: { erpId: string }) => `partner notes for ${ref.erpId}`,
      },
    } as never,
  });
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => {
      authorizations.push(req.headers.authorization);
      return {};
    },
  });
  return { url, sdl: PARTNER_SDL, runs, authorizations, stop: registerCleanup(`the partner subgraph at ${url}`, () => server.stop()) };
}

/** Composes the subgraphs into a supergraph SDL; throws with every composition error's message. */
export function composeSupergraph(subgraphs: Array<{ name: string; url: string; sdl: string }>): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join("\n")}`);
  return result.supergraphSdl;
}

/** Headers a router must pass from the client to concur-graph. */
const FORWARDED_HEADERS = ["authorization", "concur-correlationid"] as const;

/** @apollo/gateway serving the supergraph (queries and mutations; it has no subscription support). */
export async function startApolloGateway(supergraphSdl: string): Promise<Running> {
  type Ctx = { headers: Record<string, string> };
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<Ctx>({
        url,
        willSendRequest({ request, context }) {
          const headers: Record<string, string> = (context as Partial<Ctx>).headers ?? {};
          for (const [name, value] of Object.entries(headers)) request.http?.headers.set(name, value);
        },
      }),
  });
  const server = new ApolloServer<Ctx>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => ({ headers: pickHeaders(req) }),
  });
  return { url, stop: registerCleanup(`@apollo/gateway at ${url}`, () => server.stop()) };
}

export interface HiveGateway extends Running {
  wsUrl: string;
}

/**
 * Hive Gateway (the programmatic runtime) on node:http, with graphql-ws for clients on the same path, as its
 * CLI wires it. Queries forward the client's headers; subscriptions go to the subgraph over graphql-ws with the
 * client's `authorization` connection param passed on as the subgraph's connection param.
 */
export async function startHiveGateway(supergraphSdl: string): Promise<HiveGateway> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    graphiql: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, context }) => {
        const connectionParams = (context as { connectionParams?: Record<string, unknown> }).connectionParams;
        const headers: Record<string, string | undefined> = {};
        for (const name of FORWARDED_HEADERS) {
          const fromParams = connectionParams?.[name];
          headers[name] = request.headers.get(name) ?? (typeof fromParams === "string" ? fromParams : undefined);
        }
        return headers;
      },
    },
    transportEntries: {
      "*.http": {
        options: {
          subscriptions: {
            kind: "ws",
            options: { connectionParams: { authorization: "{context.connectionParams.authorization}" } },
          },
        },
      },
    },
  });
  const httpServer: Server = createServer(runtime);
  const wsServer = new WebSocketServer({ server: httpServer, path: runtime.graphqlEndpoint });
  const wsCleanup = useServer(
    getGraphQLWSOptions(runtime, (ctx: { extra: { request: IncomingMessage; socket: unknown } }) => ({
      req: ctx.extra.request,
      socket: ctx.extra.socket,
      request: new runtime.fetchAPI.Request(`http://localhost${ctx.extra.request.url ?? "/"}`, {
        headers: Object.entries(ctx.extra.request.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])),
      }),
    })) as never,
    wsServer,
  );
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${runtime.graphqlEndpoint}`,
    wsUrl: `ws://127.0.0.1:${port}${runtime.graphqlEndpoint}`,
    stop: registerCleanup(`Hive Gateway on port ${port}`, async () => {
      for (const client of wsServer.clients) client.terminate();
      await wsCleanup.dispose();
      await runtime.dispose();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    }),
  };
}

function pickHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}
