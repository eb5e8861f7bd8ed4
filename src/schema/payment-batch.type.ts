import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { FileDownload } from "./extract.type.js";

export enum PaymentBatchStatus {
  OPEN = "OPEN",
  CLOSED = "CLOSED",
}
registerEnumType(PaymentBatchStatus, { name: "PaymentBatchStatus", description: "Payment Manager batch state (the list's path segment)." });

export enum PaymentBatchCloseOutcome {
  CLOSED = "CLOSED",
  CLOSED_FILE_PENDING = "CLOSED_FILE_PENDING",
  CLOSING = "CLOSING",
  EMPTY_BATCH = "EMPTY_BATCH",
}
registerEnumType(PaymentBatchCloseOutcome, {
  name: "PaymentBatchCloseOutcome",
  description: "What closing a payment batch did.",
  valuesConfig: {
    CLOSED: { description: "Closed (asynchronous v1.2 close, listed CLOSED, then v1.1 for the File-Url); `file` is set." },
    CLOSED_FILE_PENDING: {
      description: "Listed CLOSED; the file is still being fetched, or its request failed (`message` says which): ask paymentBatchClose, or call closePaymentBatch again (it never closes twice).",
    },
    CLOSING: {
      description: "The close is in progress: sent (or being sent) but the batch is not listed CLOSED yet. The gateway keeps checking; ask paymentBatchClose, or call closePaymentBatch again (it joins, never resends).",
    },
    EMPTY_BATCH: { description: "Concur's documented refusal: the batch contains no reports. If reports were just approved for payment, wait 30 minutes (`retryAfterSeconds`) and try again." },
  },
});

@ObjectType({ description: "A Payment Manager batch (Standard Edition), from BatchList/BatchSummary." })
export class PaymentBatch {
  @Field(() => ID)
  companyId!: string;

  @Field(() => ID, { description: "Encrypted id from `Batch-URL`: the one closePaymentBatch takes." })
  id!: string;

  @Field(() => String, { nullable: true, description: "`BatchID`: the unencrypted GUID, for display only (never accepted in URLs)." })
  batchGuid!: string | null;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: "`BatchTotal`, exact decimal text." })
  total!: string | null;

  @Field(() => String, { nullable: true, description: "ISO 4217." })
  currency!: string | null;

  @Field(() => Int, { nullable: true, description: "Number of payment demands." })
  count!: number | null;

  @Field(() => String, { nullable: true, description: "`Employee` or `Card Program`." })
  type!: string | null;

  @Field(() => String, { nullable: true, description: "e.g. `Expense Pay by Concur`, `Company Check (via Accounts Payable)`." })
  paymentMethod!: string | null;

  @Field(() => PaymentBatchStatus, { nullable: true, description: "Known when the list was asked by status; null otherwise (Concur lists no status element)." })
  status!: PaymentBatchStatus | null;
}

@ObjectType({ description: "The result of closing a payment batch (or asking for its file)." })
export class PaymentBatchCloseResult {
  @Field(() => PaymentBatchCloseOutcome)
  outcome!: PaymentBatchCloseOutcome;

  @Field(() => ID)
  companyId!: string;

  @Field(() => ID)
  batchId!: string;

  @Field(() => String, { nullable: true, description: "`BatchStatus` as sent (e.g. CLOSED)." })
  batchStatus!: string | null;

  @Field(() => String, { nullable: true, description: "`Status` of the request as sent (e.g. SUCCESS)." })
  requestStatus!: string | null;

  @Field(() => String, { nullable: true, description: "`JobQueueKey` of the asynchronous close." })
  jobQueueKey!: string | null;

  @Field(() => FileDownload, { nullable: true, description: "Download URL of the batch file (CSV or ZIP); set when outcome is CLOSED." })
  file!: FileDownload | null;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true, description: "EMPTY_BATCH: seconds to wait before trying again (1800, as Concur advises)." })
  retryAfterSeconds!: number | null;
}
