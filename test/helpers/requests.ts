// Following Concur upload requests to their final status: straight at the emulator (Concur's own API), or through
// the gateway. Both are condition waits on `waitFor`.
import { request } from "undici";
import { RequestStatusDocument } from "../generated/graphql.js";
import type { Stack } from "./stack.js";
import { waitFor } from "./wait.js";

/** An upload request as Concur answers `GET …/requests/{requestId}` (status plus counts and links). */
export type UpstreamRequest = { status: string } & Record<string, any>;

/**
 * Reads `GET {base}/requests/{requestId}` from the emulator until the request is no longer PROCESSING and returns
 * its body. `base` is `/accountingintegration/v4/companies/{companyId}/erps/{erpId}`.
 */
export async function waitForFinal(emulator: { url: string }, token: string, base: string, requestId: string, timeoutMs = 10_000): Promise<UpstreamRequest> {
  return waitFor(
    async () => {
      const res = await request(`${emulator.url}${base}/requests/${requestId}`, { headers: { authorization: `Bearer ${token}` } });
      const text = await res.body.text();
      const body = text ? (JSON.parse(text) as UpstreamRequest) : undefined;
      return res.statusCode === 200 && body && body.status !== "PROCESSING" ? body : undefined;
    },
    timeoutMs,
    `request ${requestId} to be final at Concur`,
  );
}

/** Where a request lives and who may read it through the gateway (defaults: the stack's demo company, ERP and token). */
export interface GatewayRequestRef {
  requestId: string;
  companyId?: string;
  erpId?: string;
  token?: string;
}

/** Queries `request { status }` through the gateway until it is no longer PROCESSING; returns the final status. */
export async function waitForFinalStatus(stack: Stack, ref: GatewayRequestRef, timeoutMs = 10_000): Promise<string> {
  const variables = { companyId: ref.companyId ?? stack.companyId, erpId: ref.erpId ?? stack.erpId, requestId: ref.requestId };
  return waitFor(
    async () => {
      const result = await stack.graphql<{ request: { status: string } | null }>(RequestStatusDocument, variables, ref.token);
      const status = result.data?.request?.status;
      return status && status !== "PROCESSING" ? status : undefined;
    },
    timeoutMs,
    `request ${ref.requestId} to be final through the gateway`,
  );
}
