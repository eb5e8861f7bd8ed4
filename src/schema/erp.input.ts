import { Field, InputType } from "type-graphql";
import { ConfigurationFieldType, ErpFeatureFlag } from "./enums.js";

/** Input for one configuration field of a posting option. */
@InputType({ description: "Setting that a posting option asks the customer admin to configure." })
export class ConfigurationFieldInput {
  @Field(() => ConfigurationFieldType, { description: "What the admin configures." })
  configurationFieldType!: ConfigurationFieldType;

  @Field(() => Boolean, { defaultValue: false, description: "Whether the admin must fill in this field (sent as `isRequired`)." })
  isRequired!: boolean;
}

/** Input for one posting option. */
@InputType({ description: "A way the ERP can post expenses. Codes and names must be unique within the integration." })
export class PostingOptionInput {
  @Field(() => String, { description: "Unique code of the posting option." })
  postingCode!: string;

  @Field(() => String, { description: "Unique label shown in the Concur UI." })
  postingName!: string;

  @Field(() => Boolean, { defaultValue: false, description: "Whether the option can be used for out-of-pocket expenses." })
  availableForOutOfPocketExpenses!: boolean;

  @Field(() => [ConfigurationFieldInput], { nullable: true, description: "Settings the admin configures; omit when none." })
  configurationFields?: ConfigurationFieldInput[] | null;
}

/** Input for registering an ERP integration (REST `POST /erps`, at most once per minute per company). */
@InputType({ description: "Registration of a new ERP integration. Concur allows one registration per company per minute." })
export class ErpRegistrationInput {
  @Field(() => String, { description: "Name of the partner app, shown in the Concur UI." })
  partnerAppName!: string;

  @Field(() => String, { description: "Name of the ERP." })
  erpName!: string;

  @Field(() => String, { description: "Unique identifier of the company in the ERP." })
  externalErpId!: string;

  @Field(() => [ErpFeatureFlag], { defaultValue: [], description: "Capabilities of the integration (unique)." })
  features!: ErpFeatureFlag[];

  @Field(() => [PostingOptionInput], { nullable: true, description: "Posting options the ERP offers." })
  postingOptions?: PostingOptionInput[] | null;
}

/** Input for updating an ERP integration (REST `PATCH /erps/{erpId}`). */
@InputType({
  description:
    "Update of an ERP integration. Concur replaces features and posting options wholesale: send the full set every time, not a delta.",
})
export class ErpUpdateInput {
  @Field(() => [ErpFeatureFlag], {
    description: "ALL active capability flags; flags left out are switched off (replaced wholesale).",
  })
  features!: ErpFeatureFlag[];

  @Field(() => [PostingOptionInput], {
    description: "ALL posting options; options left out are removed (replaced wholesale).",
  })
  postingOptions!: PostingOptionInput[];
}
