import { Directive, Field, ID, ObjectType } from "type-graphql";
import { AccountType } from "./enums.js";

/** A general-ledger account of the ERP, as cached by Concur (REST `Account`). */
@Directive('@key(fields: "companyId erpId id")')
@ObjectType({ description: "A general-ledger account from the ERP's chart of accounts, as cached by Concur." })
export class Account {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID the account was uploaded through." })
  erpId!: string;

  @Field(() => ID, { description: "Account key in the ERP (case-sensitive)." })
  id!: string;

  @Field(() => String, { description: "Account name." })
  name!: string;

  @Field(() => String, { nullable: true, description: "GL account code; null when the ERP has none." })
  number!: string | null;

  @Field(() => AccountType, {
    nullable: true,
    description: "Account type; null only when Concur returns a type this gateway does not know.",
  })
  type!: AccountType | null;
}
