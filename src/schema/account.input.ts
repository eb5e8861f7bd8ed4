import { Field, ID, InputType } from "type-graphql";
import { AccountType } from "./enums.js";

/** One account to add or update (REST `Account` in a PATCH body). */
@InputType({ description: "A general-ledger account to add or update; an existing account with the same id is replaced." })
export class AccountInput {
  @Field(() => ID, { description: "Account key in the ERP (case-sensitive)." })
  id!: string;

  @Field(() => String, { description: "Account name." })
  name!: string;

  @Field(() => String, { nullable: true, description: "GL account code; omit when the ERP has none." })
  number?: string | null;

  @Field(() => AccountType, { description: "Account type." })
  type!: AccountType;
}
