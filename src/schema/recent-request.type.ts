import { Field, ObjectType } from "type-graphql";
import { Request } from "./request.type.js";

@ObjectType({ description: "A write request this gateway replica saw lately (its mutations' uploads, statuses from polls and ESS events). Kept in memory: the last 200 per company for 24 h; a restart starts empty." })
export class RecentRequest {
  @Field(() => Request, { description: "The request, with the most advanced status this replica saw; its `errors` are read from Concur when asked." })
  request!: Request;

  @Field(() => String, { description: "When this replica first saw it (ISO 8601)." })
  firstSeenAt!: string;

  @Field(() => String, { description: "When its status last moved forward here (ISO 8601)." })
  updatedAt!: string;
}
