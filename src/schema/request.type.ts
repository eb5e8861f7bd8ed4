import { GraphQLJSON } from "graphql-scalars";
import { Directive, Field, ID, ObjectType } from "type-graphql";
import { AccountingObjectType, ProcessingStatus } from "./enums.js";

/** One failed validation of a record (REST `ValidationError`). */
@ObjectType({ description: "One failed validation of an uploaded record." })
export class ValidationError {
  @Field(() => String, { nullable: true, description: "Property of the record that failed, e.g. `type`." })
  source!: string | null;

  @Field(() => String, { nullable: true, description: "What went wrong, in words." })
  errorMessage!: string | null;

  @Field(() => String, { nullable: true, description: "Stable code of the validation error, e.g. `type.cannot.update`." })
  errorCode!: string | null;
}

/** A record that failed processing (REST `ProcessingError`). */
@ObjectType({ description: "An uploaded record that Concur failed to process, with the reasons." })
export class ProcessingError {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => ID, { description: "UUID of the upload request the record was part of." })
  requestId!: string;

  @Field(() => String, { nullable: true, description: "Stable error code, e.g. `dataInvalid.requestIdProcessingErrors`." })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Error message, e.g. `Failed to validate the input data`." })
  errorMessage!: string | null;

  @Field(() => AccountingObjectType, {
    nullable: true,
    description: "Kind of record that failed; null when absent or unknown to this gateway.",
  })
  objectType!: AccountingObjectType | null;

  @Field(() => String, { nullable: true, description: "The failing record as received, as a JSON string (verbatim from Concur)." })
  values!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "The failing record parsed from `values`; null when it is not valid JSON." })
  record!: unknown;

  @Field(() => [ValidationError], { description: "Failed validations; empty when the error is not about single properties." })
  validationErrors!: ValidationError[];
}

/** Status of an asynchronous upload request (REST `RequestStatus`). */
@Directive('@key(fields: "companyId erpId requestId")')
@ObjectType({
  description:
    "An asynchronous upload request (accounts, vendors, list names or tax data) and its processing status. Concur emits one data.statusUpdated event when processing finishes.",
})
export class Request {
  @Field(() => ID, { description: "UUID of the request (the If-None-Match value when the client chose it)." })
  requestId!: string;

  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => ProcessingStatus, {
    nullable: true,
    description: "Processing status; null only when Concur reports a status this gateway does not know.",
  })
  status!: ProcessingStatus | null;

  // The `errors: ProcessingErrorConnection!` field is added by a @FieldResolver in
  // src/resolvers (it needs a datasource call); do not declare it here.
}
