// The command's only way to Concur: the gateway's GraphQL API over HTTP (works against any deployment).
import { Agent, request, type Dispatcher } from "undici";
import { CodedError, ErrorCode } from "../../errors.js";
import type { InputRecord, SyncType } from "./types.js";

/** A GraphQL error as the gateway sends it. */
export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; problems?: { field: string; message: string }[]; [key: string]: unknown };
}

/** What a data mutation answers (WriteResult), or its field error. */
export interface MutationOutcome {
  requests: { requestId: string; status: string | null }[];
  sentIds: string[];
  rejected: { id: string; code: string; message: string }[];
  error?: GraphQLErrorShape;
}

/** A record Concur's processing refused (Request.errors). */
export interface ProcessingErrorNode {
  objectType: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  record: Record<string, unknown> | null;
  validationErrors: { source: string | null; errorCode: string | null; errorMessage: string | null }[];
}

/** Options of {@link createGatewayClient}. */
export interface GatewayClientOptions {
  /** The gateway's `/graphql` URL. */
  url: string;
  /** Bearer token: a gateway API key (managed mode) or a Concur company token (passthrough). */
  token: string;
  companyId: string;
  erpId: string;
  /** Default: an Agent of its own (closed by `close()`). */
  dispatcher?: Dispatcher;
}

const NODE_FIELDS: Record<SyncType, string> = {
  accounts: "id name number type",
  vendors: "id type currencyCode name companyName firstName lastName email employeeId taxId phone accountNumber address { addr1 addr2 addr3 city state country postalCode note }",
  listNames: "id name",
  taxData: "countryCode countryName stateEntries { stateCode stateDesc reclaimEntries { reclaimCode reclaimDesc reclaimDetails { taxCode taxRateDesc percentage validFrom validTo } } }",
};

const INPUT_TYPE: Record<SyncType, string> = { accounts: "AccountInput", vendors: "VendorInput", listNames: "ListNameInput", taxData: "TaxDataInput" };
const TYPE_NAME: Record<SyncType, string> = { accounts: "Accounts", vendors: "Vendors", listNames: "ListNames", taxData: "TaxData" };
const WRITE_RESULT = "requests { requestId status } sentIds rejected { id code message }";

export type GatewayClient = ReturnType<typeof createGatewayClient>;

/** A client of one (company, ERP) on one gateway. */
export function createGatewayClient(options: GatewayClientOptions) {
  const { url, token, companyId, erpId } = options;
  const own = options.dispatcher ? undefined : new Agent({ connections: 64, keepAliveTimeout: 10_000, bodyTimeout: 600_000, headersTimeout: 600_000 });
  const dispatcher = options.dispatcher ?? own!;

  async function post<T>(query: string, variables: Record<string, unknown>): Promise<{ data?: T; errors?: GraphQLErrorShape[] }> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: "POST",
        dispatcher,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new CodedError(ErrorCode.UPSTREAM_UNAVAILABLE, `cannot reach the gateway at ${url}: ${(error as Error).message}`);
    }
    const text = await res.body.text();
    let body: { data?: T; errors?: GraphQLErrorShape[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, `the gateway at ${url} answered HTTP ${res.statusCode} without GraphQL: ${text.slice(0, 200)}`);
    }
    return body;
  }

  /** Throws the first error of an answer that carries no data. */
  function dataOf<T>(body: { data?: T | null; errors?: GraphQLErrorShape[] }, what: string): T {
    if (body.data) return body.data;
    const first = body.errors?.[0];
    const code = first?.extensions?.code ?? "GATEWAY_ERROR";
    throw new CodedError(code === "UNAUTHENTICATED" || code === "FORBIDDEN" ? (code as ErrorCode) : ErrorCode.UPSTREAM_ERROR, `${what}: ${code}: ${first?.message ?? "no data"}`);
  }

  return {
    /** Walks a whole connection with `first: 1000` and cursors; `onPage` gets the count so far. */
    async readAll(type: SyncType, onPage?: (count: number) => void): Promise<Record<string, unknown>[]> {
      const query = `query SyncRead($companyId: ID!, $erpId: ID!, $after: String) { erpIntegration(companyId: $companyId, erpId: $erpId) { ${type}(first: 1000, after: $after) { edges { node { ${NODE_FIELDS[type]} } } pageInfo { hasNextPage endCursor } } } }`;
      const nodes: Record<string, unknown>[] = [];
      let after: string | null = null;
      for (;;) {
        type Page = { erpIntegration: Record<string, { edges: { node: Record<string, unknown> }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> };
        const body: { data?: Page; errors?: GraphQLErrorShape[] } = await post<Page>(query, { companyId, erpId, after });
        if (body.errors?.length) dataOf<Page>({ errors: body.errors }, `reading ${type}`);
        const page: Page["erpIntegration"][string] = dataOf<Page>(body, `reading ${type}`).erpIntegration[type]!;
        for (const edge of page.edges) nodes.push(edge.node);
        onPage?.(nodes.length);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return nodes;
        after = page.pageInfo.endCursor;
      }
    },

    /** One upsert / delete / replace-all mutation; a field error comes back as `error`, never thrown. */
    async write(type: SyncType, kind: "upsert" | "delete" | "replaceAll", records: InputRecord[] | string[]): Promise<MutationOutcome> {
      const arg = type === "listNames" ? "listNames" : type;
      const field = kind === "delete" ? `delete${TYPE_NAME[type]}` : kind === "replaceAll" ? `replaceAll${TYPE_NAME[type]}` : type === "taxData" ? "addTaxData" : `upsert${TYPE_NAME[type]}`;
      const query =
        kind === "delete"
          ? `mutation SyncDelete($companyId: ID!, $erpId: ID!, $ids: [ID!]!) { w: ${field}(companyId: $companyId, erpId: $erpId, ids: $ids) { ${WRITE_RESULT} } }`
          : `mutation SyncWrite($companyId: ID!, $erpId: ID!, $records: [${INPUT_TYPE[type]}!]!) { w: ${field}(companyId: $companyId, erpId: $erpId, ${arg}: $records) { ${WRITE_RESULT} } }`;
      const body = await post<{ w: Omit<MutationOutcome, "error"> | null }>(query, kind === "delete" ? { companyId, erpId, ids: records } : { companyId, erpId, records });
      const result = body.data?.w;
      if (result) return result;
      return { requests: [], sentIds: [], rejected: [], error: body.errors?.[0] ?? { message: "the gateway answered no result" } };
    },

    /** The request's status (null while the gateway does not know it). */
    async requestStatus(requestId: string): Promise<string | null> {
      const body = await post<{ request: { status: string | null } }>(
        `query SyncRequest($companyId: ID!, $erpId: ID!, $requestId: ID!) { request(companyId: $companyId, erpId: $erpId, requestId: $requestId) { status } }`,
        { companyId, erpId, requestId },
      );
      return dataOf(body, `request ${requestId}`).request.status;
    },

    /** Every record a finished request rejected (its `errors` connection, walked with cursors). */
    async requestErrors(requestId: string): Promise<ProcessingErrorNode[]> {
      const query = `query SyncRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) { request(companyId: $companyId, erpId: $erpId, requestId: $requestId) { errors(first: 1000, after: $after) { edges { node { objectType errorCode errorMessage record validationErrors { source errorCode errorMessage } } } pageInfo { hasNextPage endCursor } } } }`;
      const out: ProcessingErrorNode[] = [];
      let after: string | null = null;
      for (;;) {
        type Page = { request: { errors: { edges: { node: ProcessingErrorNode }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
        const page: Page["request"]["errors"] = dataOf<Page>(await post<Page>(query, { companyId, erpId, requestId, after }), `errors of request ${requestId}`).request.errors;
        for (const edge of page.edges) out.push(edge.node);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return out;
        after = page.pageInfo.endCursor;
      }
    },

    async close(): Promise<void> {
      await own?.close();
    },
  };
}
