import { Field, ID, ObjectType } from "type-graphql";
import { AccountingObjectType } from "./enums.js";
import { ListMapping } from "./mappings.type.js";

/** A list mapping that was removed (ESS `listMapping.deleted`). */
@ObjectType({ description: "A list mapping the customer removed: stop sending that list's items." })
export class DeletedListMapping {
  @Field(() => String, { description: "ERP list id (a ListName id)." })
  erpListId!: string;

  @Field(() => String, { description: "Concur list id." })
  concurListId!: string;
}

/** The customer changed the mappings of an ERP (ESS `mapping.updated`, `listMapping.created`, `listMapping.deleted`). */
@ObjectType({ description: "The customer changed this ERP's mappings in Concur. Cached mappings were already dropped; select `mappings` for the new ones." })
export class MappingsChangeEvent {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => String, { description: "ESS event type: mapping.updated, listMapping.created or listMapping.deleted." })
  eventType!: string;

  @Field(() => [ListMapping], { description: "New list mappings (listMapping.created); empty otherwise. Start sending their items." })
  createdListMappings!: ListMapping[];

  @Field(() => [DeletedListMapping], { description: "Removed list mappings (listMapping.deleted); empty otherwise." })
  deletedListMappings!: DeletedListMapping[];
}

/** An admin asked for cached ERP data to be resent (ESS `data.resetRequested`). */
@ObjectType({ description: "A Concur admin asked for ERP data to be resent: for each listed type, replace all (deleteAll) and resend everything." })
export class ResetRequestedEvent {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID." })
  erpId!: string;

  @Field(() => [AccountingObjectType], { description: "Object types to resend." })
  objectTypes!: AccountingObjectType[];
}
