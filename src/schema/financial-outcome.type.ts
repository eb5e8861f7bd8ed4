import { Field, ID, Int, ObjectType } from "type-graphql";
import { FinancialDocument } from "./financial-document.type.js";
import { FinancialOutcomeStatus } from "./fis-enums.js";

@ObjectType({ description: "What became of one document of an acknowledgement or confirmation: FIS answers per document, so one document can fail while the others succeed." })
export class FinancialDocumentOutcome {
  @Field(() => ID, { description: "FIS document id." })
  docId!: string;

  @Field(() => FinancialOutcomeStatus, { description: "Done, already done, retry later, or failed for good." })
  status!: FinancialOutcomeStatus;

  @Field(() => Boolean, { description: "True unless status is RETRY_LATER: sending this document again will not change the answer." })
  final!: boolean;

  @Field(() => Boolean, { description: "True when sending it again may succeed (status RETRY_LATER)." })
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

  @Field(() => Int, { description: "POSTs that carried this document (more than 1 when FIS answered 199 and the gateway sent it again)." })
  attempts!: number;
}

@ObjectType({ description: "What claimFinancialDocuments got: only documents whose acknowledgement this call made succeed, so each may be posted to the ERP now." })
export class FinancialClaim {
  @Field(() => [FinancialDocument], { description: "Documents acknowledged by this call, safe to post (nobody else was told they acknowledged them)." })
  documents!: FinancialDocument[];

  @Field(() => [FinancialDocumentOutcome], { description: "One outcome per document pulled, claimed or not (e.g. 102 recalled between pull and acknowledgement: do not post it; it returns with a new id after re-approval)." })
  outcomes!: FinancialDocumentOutcome[];
}

@ObjectType({ description: "What a poll of FIS found." })
export class FinancialPollResult {
  @Field(() => Int, { description: "Documents READY now." })
  ready!: number;

  @Field(() => Int, { description: "Of those, documents announced to financialDocumentReady subscribers by this poll (new since the previous poll)." })
  announced!: number;
}
