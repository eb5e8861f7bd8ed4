import { Field, ID, ObjectType } from "type-graphql";
import { Request } from "./request.type.js";

/** A record refused before anything was sent (e.g. over Concur's 200 KB per-record limit). */
@ObjectType({ description: "A record of this mutation that was refused before sending; the mutation's other records still went." })
export class RejectedRecord {
  @Field(() => ID, { description: "Record id (tax data: countryCode)." })
  id!: string;

  @Field(() => String, { description: "Error code, e.g. PAYLOAD_TOO_LARGE." })
  code!: string;

  @Field(() => String, { description: "What is wrong and what to change." })
  message!: string;
}

/** What a data mutation returns: the upload request(s) its records went in. */
@ObjectType({
  description:
    "The upload request this mutation's records were sent in. Concur processes it asynchronously: follow it with the requestStatusChanged subscription or the request query. Writes of concurrent mutations share requests (batched PATCH calls).",
})
export class WriteResult {
  @Field(() => Request, { description: "The request that carried this mutation's records (the last one when they needed several)." })
  request!: Request;

  @Field(() => [Request], { description: "Every request that carried this mutation's records, in send order (usually one)." })
  requests!: Request[];

  @Field(() => [ID], { description: "This mutation's record ids that were sent (deleted ids included), in send order." })
  sentIds!: string[];

  @Field(() => [RejectedRecord], { description: "This mutation's records refused before sending; empty when all went." })
  rejected!: RejectedRecord[];
}
