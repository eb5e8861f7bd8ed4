import { Field, ID, InputType } from "type-graphql";

/** One list name to add or update (REST `List` in a PATCH body). */
@InputType({ description: "An ERP list name to add or update." })
export class ListNameInput {
  @Field(() => ID, { description: "List key in the ERP (case-sensitive)." })
  id!: string;

  @Field(() => String, { description: "List name." })
  name!: string;
}
