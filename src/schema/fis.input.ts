import { Field, ID, InputType } from "type-graphql";
import { CommitmentSourceType, PaymentMethod, PaymentProcessingStatus, PostingOutcome } from "./fis-enums.js";
import { Decimal } from "./fis-scalars.js";

@InputType({ description: "A funds commitment reference returned with a posting (obligations; FIS CommitmentSource)." })
export class CommitmentSourceInput {
  @Field(() => CommitmentSourceType, { description: "What the reference points at." })
  type!: CommitmentSourceType;

  @Field(() => String, { description: "Its id (requestId / reportId, entryId or allocation resolver key)." })
  id!: string;

  @Field(() => String, { nullable: true, description: "Parent id (the document id of an entry, the entryId of an allocation)." })
  parentId?: string | null;
}

@InputType({ description: "One ERP document a posting produced (FIS PostingDocs). A document may post as several ERP documents, e.g. one per company code." })
export class ErpPostingDocumentInput {
  @Field(() => String, { description: "ERP company code / org unit (FIS `companyId`, ≤32 characters)." })
  companyCode!: string;

  @Field(() => String, { nullable: true, description: "ERP document number (≤80 characters)." })
  documentNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Fiscal year, four digits (sent as a string like every FIS example)." })
  fiscalYear?: string | null;

  @Field(() => String, { nullable: true, description: "Posting date, YYYY-MM-DD." })
  postingDate?: string | null;

  @Field(() => [CommitmentSourceInput], { nullable: true, description: "Payment-relevant line items; usually empty (obligations: commitment references)." })
  paymentRelevantLineItems?: CommitmentSourceInput[] | null;
}

@InputType({ description: "An ERP message about a posting (FIS SystemMessage); written to Concur's audit trail." })
export class ErpSystemMessageInput {
  @Field(() => String, { description: "ERP message id, e.g. 003-CC." })
  messageId!: string;

  @Field(() => String, { description: "Short text (≤1300 characters)." })
  shortText!: string;

  @Field(() => String, { nullable: true, description: "Long text (≤1300 characters). Default empty." })
  longText?: string | null;

  @Field(() => String, { nullable: true, description: "Language, e.g. EN. Default EN." })
  language?: string | null;

  @Field(() => String, { nullable: true, description: "The Concur line item (entry id) the message is about; default empty (the whole document)." })
  lineItemId?: string | null;
}

@InputType({ description: "The ERP posting result of one acknowledged document (FIS PostingConfirmationRequestItem)." })
export class FinancialPostingInput {
  @Field(() => ID, { description: "FIS document id (FinancialDocument.id)." })
  docId!: string;

  @Field(() => PostingOutcome, { description: "SUCCESS (give postingDocuments) or ERROR (give messages; back out every ERP posting of the document first)." })
  status!: PostingOutcome;

  @Field(() => [ErpPostingDocumentInput], { nullable: true, description: "The ERP documents it posted as (SUCCESS: at least one)." })
  postingDocuments?: ErpPostingDocumentInput[] | null;

  @Field(() => [ErpSystemMessageInput], { nullable: true, description: "ERP messages (ERROR: at least one), shown in Concur's audit trail." })
  messages?: ErpSystemMessageInput[] | null;
}

@InputType({ description: "Who was paid (FIS receiver)." })
export class PaymentReceiverInput {
  @Field(() => String, { description: "Receiver id, e.g. the employee's ERP vendor id." })
  receiverId!: string;

  @Field(() => String, { description: "Receiver name." })
  receiverName!: string;

  @Field(() => String, { nullable: true, description: "Receiver type. Default EMPLOYEE." })
  receiverType?: string | null;
}

@InputType({ description: "The ERP clearing document of a payment (FIS clearingReference)." })
export class ClearingReferenceInput {
  @Field(() => String, { description: "ERP company code." })
  companyCode!: string;

  @Field(() => String, { description: "ERP clearing document id." })
  financialDocumentId!: string;

  @Field(() => String, { description: "Fiscal year, four digits." })
  fiscalYear!: string;

  @Field(() => String, { description: "Payment reference: unique for each confirmation (a repeat is answered ALREADY_DONE, FIS 298 NOOP)." })
  paymentRef!: string;

  @Field(() => PaymentMethod, { nullable: true, description: "How it was paid." })
  paymentMethod?: PaymentMethod | null;
}

@InputType({ description: "One payment (FIS ClearingDetail)." })
export class ClearingDetailInput {
  @Field(() => String, {
    description: "Clearing date in one of the two formats FIS accepts: yyyy-MM-ddTHH:mm:ss.SSSZ (2019-02-06T12:00:00.000Z) or yyyyMMdd (20190206); other formats may display wrongly in Concur's Report Payments page.",
  })
  clearingDate!: string;

  @Field(() => Decimal, { description: "Amount paid, exact (a decimal string)." })
  amount!: string;

  @Field(() => String, { description: "Currency (ISO 4217, e.g. USD)." })
  currency!: string;

  @Field(() => PaymentReceiverInput, { nullable: true, description: "Who was paid." })
  receiver?: PaymentReceiverInput | null;

  @Field(() => ClearingReferenceInput, { description: "The ERP clearing document." })
  reference!: ClearingReferenceInput;
}

@InputType({ description: "The payment of one expense report whose posting was confirmed as successful (FIS processingConfirmation item)." })
export class FinancialPaymentInput {
  @Field(() => ID, { description: "FIS document id (FinancialDocument.id)." })
  docId!: string;

  @Field(() => PaymentProcessingStatus, { description: "CP completely paid, PP partially paid, RE reversal, OB obsolete." })
  status!: PaymentProcessingStatus;

  @Field(() => String, { nullable: true, description: "Why (reversal, obsolete)." })
  additionalMessage?: string | null;

  @Field(() => [ClearingDetailInput], { nullable: true, description: "The payments (CP and PP: at least one)." })
  clearingDetails?: ClearingDetailInput[] | null;
}
