import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum ExtractJobStatus {
  QUEUED = "QUEUED",
  RUNNING = "RUNNING",
  COMPLETED = "COMPLETED",
  FAILED = "FAILED",
  UNKNOWN = "UNKNOWN",
  TIMED_OUT = "TIMED_OUT",
}
registerEnumType(ExtractJobStatus, {
  name: "ExtractJobStatus",
  description: "State of an extract job: Queued -> Running -> Completed | Failed.",
  valuesConfig: {
    QUEUED: { description: "`Queued`." },
    RUNNING: { description: "`Running`." },
    COMPLETED: { description: "`Completed` (also spelled `Complete`): its file can be downloaded." },
    FAILED: { description: "`Failed`." },
    UNKNOWN: { description: "A status Concur does not document (see `upstreamStatus`); followed like a running job." },
    TIMED_OUT: { description: "Only in extractJobChanged: the gateway stopped following the job at its deadline (EXTRACT_FOLLOW_TIMEOUT_MS); the job may still finish." },
  },
});

@ObjectType({ description: "A short-lived download URL of a file on the gateway (never the file itself)." })
export class FileDownload {
  @Field(() => String, { description: "GET it with the same credentials as GraphQL (Authorization header); it streams the file. Bound to the company and caller; refused (403) once expired." })
  url!: string;

  @Field(() => String, { description: "When the URL stops working (ISO 8601)." })
  expiresAt!: string;
}

@ObjectType({ description: "An extract job (Extracts v1.0); the last 100 per definition are listed." })
export class ExtractJob {
  @Field(() => ID)
  companyId!: string;

  @Field(() => ID, { description: "Encrypted DefinitionID." })
  definitionId!: string;

  @Field(() => ID, { description: "Encrypted JobID (may contain `$`)." })
  id!: string;

  @Field(() => ExtractJobStatus)
  status!: ExtractJobStatus;

  @Field(() => String, { description: "The status exactly as Concur sent it (e.g. `Complete`)." })
  upstreamStatus!: string;

  @Field(() => String, { nullable: true, description: "ISO 8601 (UTC)." })
  startTime!: string | null;

  @Field(() => String, { nullable: true, description: "ISO 8601 (UTC); null while the job runs." })
  stopTime!: string | null;

  @Field(() => Boolean, { description: "Concur lists a file for the job (COMPLETED)." })
  hasFile!: boolean;

  @Field(() => FileDownload, { nullable: true, description: "Download URL of the job's file (CSV, or ZIP for definitions with several files); null until COMPLETED." })
  file!: FileDownload | null;
}

@ObjectType({ description: "An extract definition (e.g. Standard Accounting Extract for Expense, Payment Request Accounting Extract for Invoice)." })
export class ExtractDefinition {
  @Field(() => ID)
  companyId!: string;

  @Field(() => ID, { description: "Encrypted DefinitionID (from the definition's URL; may contain `$`)." })
  id!: string;

  @Field(() => String)
  name!: string;
}
