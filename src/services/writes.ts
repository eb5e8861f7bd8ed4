// Starting a data write: validate everything first -> queue into the batcher -> record the request as PROCESSING
// (so a later subscriber waits for its final status) -> answer the caller with its own requests.
import type { RequestStatusTracker } from "../subscriptions/index.js";
import { problemsToError, toRequest, validateAll, validateId, type Caller, type Problem, type WireRecord, type WriteBatcher, type WriteOp, type WriteType } from "../datasources/index.js";
import { badInput } from "../errors.js";
import type { WriteResult } from "../schema/index.js";

export interface WriteArgs {
  companyId: string;
  erpId: string;
  requestId?: string | null;
}

export type Validator = (input: unknown, path: string) => Problem[];

/** What starting a write needs: the caller, the batcher and the status tracker. */
export interface WriteDeps {
  caller: Caller;
  writer: WriteBatcher;
  tracker: RequestStatusTracker;
}

/** Upsert or replace-all of records: validated as a whole; nothing is queued if any record is invalid. */
export function writeRecords(
  deps: WriteDeps,
  args: WriteArgs,
  type: WriteType,
  kind: "upsert" | "replaceAll",
  argName: string,
  records: WireRecord[],
  validate: Validator,
): Promise<WriteResult> {
  if (kind === "upsert" && records.length === 0) throw badInput(`${argName}: send at least one record.`, { field: argName });
  const invalid = problemsToError(validateAll(records, argName, validate));
  if (invalid) throw invalid;
  return enqueue(deps, args, type, { kind, records });
}

/** Deletes by id. */
export function deleteRecords(deps: WriteDeps, args: WriteArgs, type: WriteType, ids: string[]): Promise<WriteResult> {
  if (ids.length === 0) throw badInput("ids: send at least one id.", { field: "ids" });
  const invalid = problemsToError(validateAll(ids, "ids", validateId));
  if (invalid) throw invalid;
  return enqueue(deps, args, type, { kind: "delete", ids });
}

async function enqueue({ caller, writer, tracker }: WriteDeps, args: WriteArgs, type: WriteType, op: WriteOp): Promise<WriteResult> {
  const { companyId, erpId, requestId } = args;
  const result = await writer.enqueue({ caller, companyId, erpId, type }, op, requestId ? { requestId } : {});
  const requests = result.requests.map((request) => toRequest(companyId, erpId, request));
  // Known as PROCESSING from now on, so a subscriber that comes later waits for the final status.
  // Best effort: Concur accepted the write. If the tracker's store is down (Redis outage), a later subscriber simply
  // asks Concur for the status; the caller must still get its request.
  await Promise.all(
    requests.map((request) =>
      request.status ? tracker.record({ companyId, erpId, requestId: request.requestId, status: request.status }).catch(() => undefined) : undefined,
    ),
  );
  return {
    request: toRequest(companyId, erpId, result.request),
    requests,
    sentIds: result.sentIds,
    rejected: result.rejected,
  };
}
