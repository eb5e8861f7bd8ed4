import { Field, ID, Int, ObjectType } from "type-graphql";
import { FinancialDocument } from "./financial-document.type.js";
import { FinancialOutcomeStatus, PaymentProcessingStatus, PostingOutcome } from "./fis-enums.js";
import { Decimal } from "./fis-scalars.js";

@ObjectType({ description: "One ERP document of a posting confirmation on record." })
export class RecordedPostingDocument {
  @Field(() => String, { description: "ERP company code (FIS companyId)." })
  companyCode!: string;

  @Field(() => String, { nullable: true, description: "ERP document number." })
  documentNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Fiscal year." })
  fiscalYear!: string | null;

  @Field(() => String, { nullable: true, description: "Posting date, YYYY-MM-DD." })
  postingDate!: string | null;
}

@ObjectType({ description: "The posting confirmation on record for a document: the first one sent through the gateway's claim ledger, which Concur keeps (FIS offers no read of confirmation values)." })
export class RecordedPosting {
  @Field(() => PostingOutcome, { description: "SUCCESS or ERROR." })
  status!: PostingOutcome;

  @Field(() => [RecordedPostingDocument], { description: "The ERP documents it names (SUCCESS)." })
  postingDocuments!: RecordedPostingDocument[];

  @Field(() => [String], { description: "The ERP message ids it carries (ERROR)." })
  messageIds!: string[];
}

@ObjectType({ description: "One clearing detail of a payment confirmation on record." })
export class RecordedClearing {
  @Field(() => String, { description: "Clearing date as sent." })
  clearingDate!: string;

  @Field(() => Decimal, { description: "Amount, exact." })
  amount!: string;

  @Field(() => String, { description: "ISO currency." })
  currency!: string;

  @Field(() => String, { description: "ERP company code." })
  companyCode!: string;

  @Field(() => String, { description: "ERP clearing document id." })
  financialDocumentId!: string;

  @Field(() => String, { description: "Fiscal year." })
  fiscalYear!: string;

  @Field(() => String, { description: "Payment reference." })
  paymentRef!: string;
}

@ObjectType({ description: "The payment confirmation on record: the first one sent through the gateway's claim ledger for this document's completing payment (or this paymentRef)." })
export class RecordedPayment {
  @Field(() => PaymentProcessingStatus, { description: "CP, PP, RE or OB." })
  status!: PaymentProcessingStatus;

  @Field(() => [RecordedClearing], { description: "Its clearing details." })
  clearingDetails!: RecordedClearing[];
}

@ObjectType({ description: "What became of one document of an acknowledgement or confirmation: FIS answers per document, so one document can fail while the others succeed." })
export class FinancialDocumentOutcome {
  @Field(() => ID, { description: "FIS document id." })
  docId!: string;

  @Field(() => FinancialOutcomeStatus, { description: "Done, already done, retry later, or failed for good." })
  status!: FinancialOutcomeStatus;

  @Field(() => Boolean, { description: "True unless status is RETRY_LATER or UNCERTAIN: sending this document again will not change the answer." })
  final!: boolean;

  @Field(() => Boolean, { description: "True when sending it again may change the answer (RETRY_LATER; UNCERTAIN: claim again / send the same confirmation again later)." })
  retryable!: boolean;

  @Field(() => Int, { nullable: true, description: "FIS service code: 0 success, 101 previously acknowledged, 102 recalled, 104 / 116 not found, 111 not acknowledged, 113 already confirmed, 199 retry later, 213 payment already confirmed, 298 invalid payment (NOOP: duplicate paymentRef)…; null when Concur gave no answer." })
  code!: number | null;

  @Field(() => String, { description: "FIS result (SUCCESS, FAILURE, NOOP, WAS_RECALLED, NOT_YET_ACKNOWLEDGED, DOCUMENT_NOT_FOUND…), or the gateway's error code when Concur gave no answer." })
  result!: string;

  @Field(() => String, { description: "FIS's message (empty on success)." })
  message!: string;

  @Field(() => String, { nullable: true, description: "FIS's detail message, when it sent one." })
  detailMessage!: string | null;

  @Field(() => String, { nullable: true, description: "The paymentRef FIS echoed (payment confirmations)." })
  paymentRef!: string | null;

  @Field(() => Int, { description: "POSTs that carried this document (more than 1 when FIS answered 199 and the gateway sent it again; 0 when nothing was sent: the claim ledger answered)." })
  attempts!: number;

  @Field(() => RecordedPosting, { nullable: true, description: "CONFLICT / ALREADY_DONE of a posting confirmation: the confirmation on record, which Concur keeps." })
  recordedPosting!: RecordedPosting | null;

  @Field(() => RecordedPayment, { nullable: true, description: "CONFLICT / ALREADY_DONE of a payment confirmation: the confirmation on record, which Concur keeps." })
  recordedPayment!: RecordedPayment | null;
}

@ObjectType({ description: "What claimFinancialDocuments got: only documents whose acknowledgement this call made succeed, so each may be posted to the ERP now." })
export class FinancialClaim {
  @Field(() => [FinancialDocument], { description: "Documents this call now holds, safe to post: acknowledged for this caller, and no other caller of the gateways sharing its claim ledger was or will be handed them." })
  documents!: FinancialDocument[];

  @Field(() => [FinancialDocumentOutcome], { description: "One outcome per document pulled, claimed or not (e.g. 102 recalled between pull and acknowledgement: do not post it, it returns with a new id after re-approval; ALREADY_DONE: another caller holds it; UNCERTAIN: nobody holds it yet, claim again later)." })
  outcomes!: FinancialDocumentOutcome[];
}

@ObjectType({ description: "What a poll of FIS found." })
export class FinancialPollResult {
  @Field(() => Int, { description: "Documents READY now." })
  ready!: number;

  @Field(() => Int, { description: "Of those, documents announced to financialDocumentReady subscribers by this poll (new since the previous poll)." })
  announced!: number;
}
