import { Directive, Field, ID, ObjectType } from "type-graphql";
import { ConfigurationFieldType, ErpFeatureFlag } from "./enums.js";

/** A setting a posting option asks the customer admin to configure (REST `ConfigurationField`). */
@ObjectType({ description: "Setting that a posting option asks the customer admin to configure in the Concur UI." })
export class ConfigurationField {
  @Field(() => ConfigurationFieldType, {
    nullable: true,
    description: "What the admin configures; null when Concur returns a value this gateway does not know.",
  })
  configurationFieldType!: ConfigurationFieldType | null;

  @Field(() => Boolean, {
    description: "Whether the admin must fill in this field. REST sends `isRequired` (examples) or `required` (schema table).",
  })
  isRequired!: boolean;
}

/** A way the ERP can post expenses (REST `PostingOption`). */
@ObjectType({ description: "A way the ERP can post expenses, offered to the customer admin as a choice." })
export class PostingOption {
  @Field(() => String, { description: "Unique code of the posting option." })
  postingCode!: string;

  @Field(() => String, { description: "Unique label of the posting option shown in the Concur UI." })
  postingName!: string;

  @Field(() => Boolean, { description: "Whether the option can be used for out-of-pocket expenses (default false)." })
  availableForOutOfPocketExpenses!: boolean;

  @Field(() => [ConfigurationField], { description: "Settings the admin configures for this option; empty when none." })
  configurationFields!: ConfigurationField[];
}

/** A registered ERP integration of a company (REST `ErpPackage`). */
@Directive('@key(fields: "companyId erpId")')
@ObjectType({
  description: "An ERP integration registered for a Concur company (the REST ErpPackage). Every other ERP call needs its erpId.",
})
export class ErpIntegration {
  @Field(() => ID, { description: "Concur company UUID the integration belongs to." })
  companyId!: string;

  @Field(() => ID, { description: "UUID Concur issued for this integration at registration." })
  erpId!: string;

  @Field(() => String, { description: "Name of the partner app, shown in the Concur UI." })
  partnerAppName!: string;

  @Field(() => String, { description: "Name of the ERP." })
  erpName!: string;

  @Field(() => String, { description: "Unique identifier of the company in the ERP (formerly `realmId`)." })
  externalErpId!: string;

  @Field(() => [ErpFeatureFlag], {
    description: "Capabilities the integration declared. Flags this gateway does not know are left out.",
  })
  features!: ErpFeatureFlag[];

  @Field(() => [PostingOption], { description: "Posting options the ERP offers; empty when none were registered." })
  postingOptions!: PostingOption[];
}
