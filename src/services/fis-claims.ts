// Exactly once where money changes hands: every acknowledgement (the claim of a document), posting confirmation
// and payment confirmation goes through the claim ledger (connections/store/claim-ledger.ts). A step is sent only
// by the owner of its ledger row, written before the POST; Concur's ambiguous answers (an "already done" after our
// own lost answer, no answer at all) are settled from that row — no other caller of the gateways sharing the ledger
// can have sent the step — or by reading the document back, never from the systemId every caller shares.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import type { ClaimLedger, LedgerKey, LedgerRow } from "../connections/store/claim-ledger.js";
import type { WriteArrivals } from "./write-arrivals.js";
import { canonicalCompanyId } from "../company-id.js";
import type { Caller, FinancialDocumentRecord, FisDocType, FisOperation, FisOutcome, FisReader, FisWriter, FisWriteItem, WirePaymentConfirmation, WirePostingConfirmation } from "../datasources/index.js";
import { systemIdFor } from "../datasources/index.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { Logger } from "../logger.js";

/** What the ledger-guarded FIS steps need. */
export interface FisClaimDeps {
  reader: FisReader;
  writer: FisWriter;
  ledger: ClaimLedger;
  /** How long a ledger row's owner may work before others may take it over, ms (config `fisClaimLeaseMs`). */
  leaseMs: number;
  logger?: Logger;
  /**
   * Mutations on their way to the write queue (services/write-arrivals.ts). The ledger steps run after execution
   * started and before the writer is reached (a PostgreSQL round trip each), so each call holds the writer's first
   * window open until its items are queued, as a list-item create does while it reads its parent.
   */
  arrivals?: WriteArrivals;
}

/** The values of a confirmation on record in the ledger, as sent to FIS (lossless JSON text). */
export interface RecordedConfirmation {
  kind: "posting" | "payment";
  /** The wire item (lossless JSON text: amounts keep their digits). */
  wire: string;
}

/** An outcome with the confirmation on record, when it matters to the caller (ALREADY_DONE, CONFLICT). */
export type LedgerOutcome = FisOutcome & { recorded?: RecordedConfirmation | null };

/** A claim token: which process owns a ledger row (host:pid, for operators reading the table) and a unique part. */
const newToken = (): string => `${hostname()}:${process.pid}:${randomUUID()}`;

/** Most READY documents a claim reads to find `max` that nobody else is claiming (one FIS page, spec Q4). */
const MAX_READ_FOR_CLAIM = 100;

/** How long a confirmation waits for another request's send of the same document to settle, ms. */
const WAIT_FOR_OWNER_MS = 15_000;

const UNCERTAIN_CLAIM =
  "The gateway cannot tell yet whether this acknowledgement was applied, and has handed the document to nobody. Do not post it: claim again later (claimFinancialDocuments settles it by reading it back once its lease has run out, and hands it to exactly one caller).";

function outcome(docId: string, status: FisOutcome["status"], message: string, from?: FisOutcome): LedgerOutcome {
  return {
    docId,
    code: from?.code ?? null,
    result: from?.result ?? status,
    message,
    detailMessage: from?.detailMessage ?? null,
    status,
    paymentRef: from?.paymentRef ?? null,
    attempts: from?.attempts ?? 0,
    maybeApplied: from?.maybeApplied ?? false,
  };
}

/** FIS names the acknowledging systemId in 101 messages ("…by SystemId: x."): one that is not ours proves another system. */
function namesOtherSystem(message: string, companyId: string): boolean {
  const named = /SystemId:\s*(.*?)\.?\s*$/i.exec(message)?.[1];
  return named !== undefined && named !== systemIdFor(companyId);
}

const key = (companyId: string, scope: string, itemKey: string): LedgerKey => ({ companyId, scope, itemKey });

/** What a caller may read of a ledger failure: a coded error's own message; anything else stays in the log. */
const reason = (error: unknown) => (error instanceof CodedError ? error.message : "the gateway's store did not answer");

/** The ledger could not be written before the send: nothing went to FIS. */
function ledgerDown(logger: Logger | undefined, docId: string, error: unknown, what: string): LedgerOutcome {
  logger?.warn({ err: error, docId }, "FIS claim ledger could not be written before a send; nothing was sent");
  return { ...outcome(docId, "RETRY_LATER", `The gateway's claim ledger cannot be written (${reason(error)}): nothing was sent. ${what}`), result: error instanceof CodedError ? error.code : ErrorCode.STORE_UNAVAILABLE };
}

/** The ledger could not be written after the send: the row stays with its lease, the next caller settles it. */
function ledgerLost(logger: Logger | undefined, docId: string, error: unknown, what: string, from?: FisOutcome): LedgerOutcome {
  logger?.warn({ err: error, docId }, "FIS claim ledger could not record an answer; the row's lease settles it later");
  return { ...outcome(docId, "UNCERTAIN", `The gateway's claim ledger could not record Concur's answer (${reason(error)}). ${what}`, from), result: error instanceof CodedError ? error.code : ErrorCode.STORE_UNAVAILABLE };
}

// ---------------------------------------------------------------------------------------------------------------
// Acknowledgements (claims)

interface AckPlan {
  docId: string;
  key: LedgerKey;
  token: string;
  /** Owners of the row so far (above 1: an earlier owner may have sent the acknowledgement). */
  owners: number;
  record?: FinancialDocumentRecord;
}

/** The result of acknowledging through the ledger: one outcome per id, and the ids handed to this caller. */
export interface LedgerAcknowledgement {
  outcomes: LedgerOutcome[];
  /** Documents this caller now holds, with the record read (from the READY page or read back), when one was. */
  claimed: Map<string, FinancialDocumentRecord | undefined>;
}

/**
 * Acknowledges `ids` for `caller`: each id is sent only by the owner of its ledger row, and handed to at most one
 * caller. `known` holds records already read (the READY page of a claim): they need no read-back. With `wanted`, ids
 * are tried in order only until that many rows are owned (a claim skips documents other callers hold), and outcomes
 * cover the ids tried.
 */
export async function acknowledgeThroughLedger(
  deps: FisClaimDeps,
  caller: Caller,
  rawCompanyId: string,
  docType: FisDocType,
  ids: string[],
  known: Map<string, FinancialDocumentRecord> = new Map(),
  wanted = ids.length,
  held?: () => void,
): Promise<LedgerAcknowledgement> {
  const hold = held ?? deps.arrivals?.expect();
  try {
    return await acknowledgeHeld(deps, caller, rawCompanyId, docType, ids, known, wanted, hold);
  } finally {
    hold?.();
  }
}

async function acknowledgeHeld(
  deps: FisClaimDeps,
  caller: Caller,
  rawCompanyId: string,
  docType: FisDocType,
  ids: string[],
  known: Map<string, FinancialDocumentRecord>,
  wanted: number,
  hold: (() => void) | undefined,
): Promise<LedgerAcknowledgement> {
  const companyId = canonicalCompanyId(rawCompanyId);
  const scope = `ack:${docType}`;
  const results = new Map<string, LedgerOutcome>();
  const claimed = new Map<string, FinancialDocumentRecord | undefined>();
  const toSend: AckPlan[] = [];
  const toReadBack: AckPlan[] = [];

  const own = async (docId: string) => {
    const k = key(companyId, scope, docId);
    const token = newToken();
    try {
      const { acquired, row } = await deps.ledger.acquire(k, { docId, token, leaseMs: deps.leaseMs, fingerprint: "acknowledge" });
      if (acquired) return void toSend.push({ docId, key: k, token, owners: 1, record: known.get(docId) });
      if (row.state === "PENDING" && row.leaseUntil < Date.now()) {
        const taken = await deps.ledger.takeOver(k, row.token, token, deps.leaseMs);
        // Its owner vanished or gave up uncertain: what FIS holds now says whether its acknowledgement landed.
        if (taken) return void toReadBack.push({ docId, key: k, token, owners: taken.owners });
      }
      results.set(docId, heldElsewhere(docId, row));
    } catch (error) {
      results.set(docId, ledgerDown(deps.logger, docId, error, "Claim it again later."));
    }
  };
  const tried: string[] = [];
  while (tried.length < ids.length && toSend.length + toReadBack.length < wanted) {
    const next = ids.slice(tried.length, tried.length + wanted - toSend.length - toReadBack.length);
    tried.push(...next);
    await Promise.all(next.map(own));
  }

  await Promise.all(
    toReadBack.map((plan) => settleTakenOver(deps, caller, companyId, docType, plan, results, claimed, toSend).catch((error) => void results.set(plan.docId, ledgerLost(deps.logger, plan.docId, error, UNCERTAIN_CLAIM)))),
  );

  if (toSend.length > 0) {
    let answers: FisOutcome[];
    try {
      const sending = deps.writer.enqueue({ caller, companyId: rawCompanyId, docType, operation: "acknowledge" }, toSend.map((p) => ({ docId: p.docId })));
      hold?.(); // queued: the window no longer waits for this mutation
      answers = await sending;
    } catch (error) {
      // Refused before anything reached FIS (token, input, shutting down): nothing applied, anyone may try again.
      await Promise.all(toSend.map((p) => deps.ledger.release(p.key, p.token).catch(() => false)));
      throw error;
    }
    await Promise.all(
      toSend.map((plan, i) =>
        settleAcknowledgement(deps, caller, companyId, docType, plan, answers[i], results, claimed).catch((error) => void results.set(plan.docId, ledgerLost(deps.logger, plan.docId, error, UNCERTAIN_CLAIM, answers[i]))),
      ),
    );
  }
  return { outcomes: tried.map((id) => results.get(id)!), claimed };
}

/** A row taken over from a vanished owner: read the document back and settle it, or queue it to be sent. */
async function settleTakenOver(
  deps: FisClaimDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  plan: AckPlan,
  results: Map<string, LedgerOutcome>,
  claimed: Map<string, FinancialDocumentRecord | undefined>,
  toSend: AckPlan[],
): Promise<void> {
  let record: FinancialDocumentRecord | null;
  try {
    record = await deps.reader.document(caller, companyId, docType, plan.docId);
  } catch (error) {
    deps.logger?.warn({ err: error, docId: plan.docId }, "FIS read-back failed; the claim stays uncertain");
    await deps.ledger.unlock(plan.key, plan.token);
    return void results.set(plan.docId, outcome(plan.docId, "UNCERTAIN", UNCERTAIN_CLAIM));
  }
  if (!record || record.id !== plan.docId) {
    await deps.ledger.release(plan.key, plan.token);
    return void results.set(plan.docId, outcome(plan.docId, "FAILED", "FIS no longer lists this document (recalled or removed): do not post it."));
  }
  if (record.status === "READY") return void toSend.push({ ...plan, record });
  if (record.status === "ACKNOWLEDGED") {
    // Only owners of this row ever sent its acknowledgement: an earlier one's landed, and the row is ours now.
    return void (await settleClaim(deps, plan, record, results, claimed, "acknowledged by an earlier attempt of this gateway whose answer was lost; settled by reading the document back"));
  }
  await deps.ledger.settle(plan.key, plan.token, "FOREIGN");
  results.set(plan.docId, outcome(plan.docId, "ALREADY_DONE", `The document is ${record.status}: its posting was already confirmed. Do not post it.`));
}

function heldElsewhere(docId: string, row: LedgerRow): LedgerOutcome {
  if (row.state === "FOREIGN") return outcome(docId, "ALREADY_DONE", "Acknowledged outside this gateway (FIS answered 101 to its first attempt): not yours, do not post it.");
  if (row.state === "DONE") return outcome(docId, "ALREADY_DONE", "Already claimed through this gateway by an earlier call: only the call that was told SUCCEEDED may post it.");
  return outcome(docId, "ALREADY_DONE", "Another caller of this gateway is acknowledging it right now: not yours, do not post it (if that fails, the document returns to the READY queue).");
}

async function settleClaim(
  deps: FisClaimDeps,
  plan: AckPlan,
  record: FinancialDocumentRecord | undefined,
  results: Map<string, LedgerOutcome>,
  claimed: Map<string, FinancialDocumentRecord | undefined>,
  how: string,
  from?: FisOutcome,
): Promise<void> {
  if (await deps.ledger.settle(plan.key, plan.token, "DONE")) {
    claimed.set(plan.docId, record);
    results.set(plan.docId, outcome(plan.docId, "SUCCEEDED", from?.code === 0 ? "" : `Yours: ${how}.`, from));
  } else {
    // Our lease ran out meanwhile and another caller took the row over: it settles the claim, not us.
    results.set(plan.docId, outcome(plan.docId, "ALREADY_DONE", "This call took too long and another caller of this gateway took the document over: not yours, do not post it.", from));
  }
}

async function settleAcknowledgement(
  deps: FisClaimDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  plan: AckPlan,
  answer: FisOutcome,
  results: Map<string, LedgerOutcome>,
  claimed: Map<string, FinancialDocumentRecord | undefined>,
): Promise<void> {
  const { docId } = plan;
  if (answer.code === 0) return settleClaim(deps, plan, plan.record, results, claimed, "acknowledged", answer);
  if (answer.code === 101) {
    // 101 to a first send, nobody of the fleet having sent before, or naming another system: someone outside did it.
    if (namesOtherSystem(answer.message, companyId) || (!answer.maybeApplied && plan.owners === 1)) {
      await deps.ledger.settle(plan.key, plan.token, "FOREIGN");
      return void results.set(docId, outcome(docId, "ALREADY_DONE", `${answer.message} Not yours: do not post it.`.trim(), answer));
    }
    return settleClaim(deps, plan, plan.record, results, claimed, "FIS answered 101 after an attempt of this gateway may have been applied, and its claim ledger shows that no other caller sent this acknowledgement", answer);
  }
  if (answer.code === null || (answer.code === 199 && answer.maybeApplied)) {
    // No answer (or 199 after a lost answer): what FIS holds now says whether it landed.
    try {
      const record = await deps.reader.document(caller, companyId, docType, docId);
      if (record?.id === docId && record.status === "ACKNOWLEDGED") return settleClaim(deps, plan, record, results, claimed, "Concur's answer was lost; the document, read back, is acknowledged and nobody else sent it", answer);
      if (record?.id === docId && record.status === "READY") {
        await deps.ledger.release(plan.key, plan.token);
        return void results.set(docId, outcome(docId, "RETRY_LATER", "Not acknowledged (read back: still READY). Claim it again.", answer));
      }
    } catch (error) {
      deps.logger?.warn({ err: error, docId }, "FIS read-back failed; the claim stays uncertain");
    }
    await deps.ledger.unlock(plan.key, plan.token);
    return void results.set(docId, outcome(docId, "UNCERTAIN", UNCERTAIN_CLAIM, answer));
  }
  // 199 (not applied), or refused for good (recalled, not found, wrong type): nothing is held.
  await deps.ledger.release(plan.key, plan.token);
  results.set(docId, { ...answer, status: answer.code === 199 ? "RETRY_LATER" : "FAILED" });
}

/**
 * Claims up to `max` documents: first those whose ledger rows were left by an owner that vanished (process killed,
 * lease run out, or uncertain), settled by reading them back; then READY documents. Returns only the documents this
 * caller now holds.
 */
export async function claimThroughLedger(
  deps: FisClaimDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  max: number,
): Promise<{ documents: FinancialDocumentRecord[]; outcomes: LedgerOutcome[] }> {
  const hold = deps.arrivals?.expect();
  try {
    return await claimHeld(deps, caller, companyId, docType, max, hold);
  } finally {
    hold?.();
  }
}

async function claimHeld(
  deps: FisClaimDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  max: number,
  hold: (() => void) | undefined,
): Promise<{ documents: FinancialDocumentRecord[]; outcomes: LedgerOutcome[] }> {
  const stale = await deps.ledger.expired(canonicalCompanyId(companyId), `ack:${docType}`, max);
  const ids = stale.map((r) => r.docId);
  const known = new Map<string, FinancialDocumentRecord>();
  if (ids.length < max) {
    // More than `max`: documents other callers are claiming right now are skipped, not answered for.
    const { documents } = await deps.reader.page(caller, companyId, docType, 0, Math.min(MAX_READ_FOR_CLAIM, max * 3));
    for (const d of documents) {
      if (d.status !== "READY" || ids.includes(d.id)) continue;
      ids.push(d.id);
      known.set(d.id, d);
    }
  }
  if (ids.length === 0) return { documents: [], outcomes: [] };
  const { outcomes, claimed } = await acknowledgeThroughLedger(deps, caller, companyId, docType, ids, known, max, hold ?? (() => {}));
  const documents = await Promise.all(
    [...claimed].map(async ([docId, record]) => ({ ...(record ?? (await deps.reader.document(caller, companyId, docType, docId))!), status: "ACKNOWLEDGED" }) as FinancialDocumentRecord),
  );
  return { documents: documents.filter((d) => d.id !== undefined), outcomes };
}

// ---------------------------------------------------------------------------------------------------------------
// Confirmations (posting and payment)

/** One confirmation to send through the ledger. */
export interface LedgerConfirmation {
  docId: string;
  /** The ledger item key: the document (postings, a completing payment) or document + status + paymentRef. */
  itemKey: string;
  item: FisWriteItem & ({ posting: WirePostingConfirmation } | { payment: WirePaymentConfirmation });
}

interface ConfirmPlan {
  confirmation: LedgerConfirmation;
  key: LedgerKey;
  token: string;
  owners: number;
  /** The wire item sent: ours, or the one on record that an earlier owner left unsettled. */
  sent: string;
  /** Whether `sent` is the caller's own confirmation. */
  own: boolean;
}

const wireOf = (c: LedgerConfirmation): unknown => ("posting" in c.item ? c.item.posting : c.item.payment);
const kindOf = (operation: FisOperation): RecordedConfirmation["kind"] => (operation === "postingConfirmation" ? "posting" : "payment");

/** The item a row records, ready to send again (amounts back as lossless numbers). */
function reviveItem(operation: FisOperation, docId: string, wire: string): LedgerConfirmation["item"] {
  const parsed = parseLossless(wire) as WirePostingConfirmation & WirePaymentConfirmation;
  return operation === "postingConfirmation" ? { docId, posting: parsed } : { docId, payment: parsed };
}

/**
 * Sends confirmations so that each document (or payment) has one confirmation on record: the first one's values.
 * A second confirmation with other values is answered CONFLICT with the values on record, a repeat of the same
 * values ALREADY_DONE, both without a POST; an owner that vanished is completed by the next sender.
 */
export async function confirmThroughLedger(
  deps: FisClaimDeps,
  caller: Caller,
  rawCompanyId: string,
  docType: FisDocType,
  operation: Exclude<FisOperation, "acknowledge">,
  confirmations: LedgerConfirmation[],
): Promise<LedgerOutcome[]> {
  const hold = deps.arrivals?.expect();
  try {
    return await confirmHeld(deps, caller, rawCompanyId, docType, operation, confirmations, hold);
  } finally {
    hold?.();
  }
}

async function confirmHeld(
  deps: FisClaimDeps,
  caller: Caller,
  rawCompanyId: string,
  docType: FisDocType,
  operation: Exclude<FisOperation, "acknowledge">,
  confirmations: LedgerConfirmation[],
  hold: (() => void) | undefined,
): Promise<LedgerOutcome[]> {
  const companyId = canonicalCompanyId(rawCompanyId);
  const scope = operation === "postingConfirmation" ? `posting:${docType}` : `payment:${docType}`;
  const kind = kindOf(operation);
  const results: LedgerOutcome[] = new Array(confirmations.length);

  // Each confirmation until it is answered; a plan sends a recorded item (an earlier owner's) and then its own.
  let pending = confirmations.map((confirmation, index) => ({ confirmation, index }));
  for (let round = 0; pending.length > 0 && round < 3; round++) {
    const plans: Array<{ index: number; plan: ConfirmPlan }> = [];
    await Promise.all(
      pending.map(async ({ confirmation, index }) => {
        try {
          const plan = await planConfirmation(deps, confirmation, key(companyId, scope, confirmation.itemKey), kind);
          if ("plan" in plan) plans.push({ index, plan: plan.plan });
          else results[index] = plan.outcome;
        } catch (error) {
          results[index] = ledgerDown(deps.logger, confirmation.docId, error, "Send it again later.");
        }
      }),
    );
    if (plans.length === 0) break;
    let answers: FisOutcome[];
    try {
      const sending = deps.writer.enqueue({ caller, companyId: rawCompanyId, docType, operation }, plans.map(({ plan }) => reviveItem(operation, plan.confirmation.docId, plan.sent)));
      hold?.(); // queued: the window no longer waits for this mutation
      answers = await sending;
    } catch (error) {
      await Promise.all(plans.map(({ plan }) => deps.ledger.release(plan.key, plan.token).catch(() => false)));
      throw error;
    }
    const again: typeof pending = [];
    await Promise.all(
      plans.map(async ({ index, plan }, i) => {
        const settled = await settleConfirmation(deps, caller, companyId, docType, operation, plan, answers[i]).catch((error: unknown) =>
          ledgerLost(deps.logger, plan.confirmation.docId, error, "Send the same confirmation again later: the gateway then settles it, never twice.", answers[i]),
        );
        // The recorded item an earlier owner left was refused for good: the caller's own may go now.
        if (settled === "again") again.push({ confirmation: plan.confirmation, index });
        else results[index] = settled;
      }),
    );
    pending = again;
  }
  for (const { confirmation, index } of pending) results[index] ??= outcome(confirmation.docId, "RETRY_LATER", "Other confirmations of this document kept arriving: send it again.");
  return results;
}

async function planConfirmation(deps: FisClaimDeps, confirmation: LedgerConfirmation, k: LedgerKey, kind: RecordedConfirmation["kind"]): Promise<{ plan: ConfirmPlan } | { outcome: LedgerOutcome }> {
  const { docId } = confirmation;
  const fingerprint = stringifyLossless(wireOf(confirmation)) ?? "";
  const deadline = Date.now() + WAIT_FOR_OWNER_MS;
  for (;;) {
    const token = newToken();
    const { acquired, row } = await deps.ledger.acquire(k, { docId, token, leaseMs: deps.leaseMs, fingerprint, record: { kind, wire: fingerprint } });
    if (acquired) return { plan: { confirmation, key: k, token, owners: 1, sent: fingerprint, own: true } };
    const recorded = (row.record as RecordedConfirmation | null) ?? null;
    const same = row.fingerprint === fingerprint;
    if (row.state === "DONE") {
      return same
        ? { outcome: { ...outcome(docId, "ALREADY_DONE", "Confirmed before with these same values: nothing to do."), recorded } }
        : { outcome: { ...outcome(docId, "CONFLICT", "Another confirmation of this document with different values is on record (recorded): Concur keeps that one. Check your ERP for a double posting."), recorded } };
    }
    if (row.state === "FOREIGN") return { outcome: outcome(docId, "ALREADY_DONE", "Confirmed outside this gateway before (Concur answered already done to the first send): the values on record there are not known here.") };
    if (row.leaseUntil < Date.now()) {
      // Its owner vanished or gave up uncertain: complete ITS confirmation (first come, first recorded), then ours.
      const taken = await deps.ledger.takeOver(k, row.token, token, deps.leaseMs);
      if (taken) return { plan: { confirmation, key: k, token, owners: taken.owners, sent: taken.fingerprint, own: same } };
      continue;
    }
    // Another request is sending this document's confirmation now: wait for it to settle.
    if (Date.now() > deadline) {
      return { outcome: { ...outcome(docId, "UNCERTAIN", "Another confirmation of this document is being sent right now and has not settled: send yours again later (same values: ALREADY_DONE; other values: CONFLICT)."), recorded } };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function settleConfirmation(
  deps: FisClaimDeps,
  caller: Caller,
  companyId: string,
  docType: FisDocType,
  operation: Exclude<FisOperation, "acknowledge">,
  plan: ConfirmPlan,
  answer: FisOutcome,
): Promise<LedgerOutcome | "again"> {
  const { docId } = plan.confirmation;
  const recorded: RecordedConfirmation = { kind: kindOf(operation), wire: plan.sent };
  const done = async (how: string): Promise<LedgerOutcome> => {
    // Settled even if another owner took the row over meanwhile: FIS has these values, that owner finds them.
    await deps.ledger.settle(plan.key, plan.token, "DONE");
    if (plan.own) return { ...outcome(docId, "SUCCEEDED", answer.code === 0 ? "" : `${how}.`, answer), recorded: null };
    return { ...outcome(docId, "CONFLICT", `An earlier confirmation of this document with different values was recorded first and is now confirmed (${how}): Concur keeps that one. Check your ERP for a double posting.`, answer), recorded };
  };
  if (answer.code === 0) return done("confirmed");
  const alreadyCodes = operation === "postingConfirmation" ? [113] : [298, 213];
  const completing = operation === "paymentConfirmation" && plan.confirmation.itemKey.endsWith(":CP");
  if (answer.code !== null && alreadyCodes.includes(answer.code) && (answer.code !== 298 || answer.result.toUpperCase() === "NOOP") && (answer.code !== 213 || completing)) {
    if (answer.maybeApplied || plan.owners > 1) return done("Concur answered already done after an earlier attempt of this gateway may have been applied, and its claim ledger shows that nobody else sent this document's confirmation");
    await deps.ledger.settle(plan.key, plan.token, "FOREIGN");
    return { ...outcome(docId, "ALREADY_DONE", answer.message || "Already confirmed outside this gateway.", answer), recorded: null };
  }
  if (answer.code === null || (answer.code === 199 && answer.maybeApplied)) {
    if (operation === "postingConfirmation") {
      try {
        const record = await deps.reader.document(caller, companyId, docType, docId);
        const wanted = (parseLossless(plan.sent) as WirePostingConfirmation).overallPostingStatusCode === "success" ? "POSTING_CONFIRMED_SUCCESS" : "POSTING_CONFIRMED_FAILURE";
        if (record?.id === docId && record.status === wanted) return done("Concur's answer was lost; the document, read back, is confirmed that way and nobody else sent its confirmation");
        if (record?.id === docId && record.status === "ACKNOWLEDGED") {
          await deps.ledger.release(plan.key, plan.token);
          return plan.own ? outcome(docId, "RETRY_LATER", "Not confirmed (read back: still acknowledged). Send it again.", answer) : "again";
        }
      } catch (error) {
        deps.logger?.warn({ err: error, docId }, "FIS read-back failed; the confirmation stays uncertain");
      }
    }
    await deps.ledger.unlock(plan.key, plan.token);
    return {
      ...outcome(docId, "UNCERTAIN", "Concur's answer was lost and the gateway cannot tell yet whether this confirmation was applied. Send the same confirmation again: the gateway then settles it (SUCCEEDED or ALREADY_DONE), never twice.", answer),
      recorded: plan.own ? null : recorded,
    };
  }
  // 199 (not applied) or refused for good: nothing on record.
  await deps.ledger.release(plan.key, plan.token);
  if (!plan.own) return "again";
  return { ...answer, status: answer.code === 199 ? "RETRY_LATER" : answer.code === 213 ? "ALREADY_DONE" : "FAILED", recorded: null };
}
