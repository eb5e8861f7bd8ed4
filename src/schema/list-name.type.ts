import { Directive, Field, ID, ObjectType } from "type-graphql";

/** An ERP list name, as cached by Concur (REST `List`). */
@Directive('@key(fields: "companyId erpId id")')
@ObjectType({
  description:
    "The name of a list in the ERP (e.g. departments, projects), cached by Concur so an admin can map it to a Concur list. Items are sent through List Item v4, not here.",
})
export class ListName {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID the list name was uploaded through." })
  erpId!: string;

  @Field(() => ID, { description: "List key in the ERP (case-sensitive); referenced by ListMapping.erpListId." })
  id!: string;

  @Field(() => String, { description: "List name." })
  name!: string;
}
