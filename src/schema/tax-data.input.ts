import { Field, Float, InputType } from "type-graphql";

/** A tax rate to upload. */
@InputType({ description: "A tax code with its rate and validity period." })
export class TaxReclaimDetailInput {
  @Field(() => String, { description: "Tax code in the ERP." })
  taxCode!: string;

  @Field(() => String, { nullable: true, description: "Description of the tax rate." })
  taxRateDesc?: string | null;

  @Field(() => Float, { nullable: true, description: "Tax rate in percent, e.g. 19.0." })
  percentage?: number | null;

  @Field(() => String, { description: "First day the rate applies, YYYY-MM-DD." })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: "Last day the rate applies, YYYY-MM-DD; omit when open-ended." })
  validTo?: string | null;
}

/** A reclaim code to upload. */
@InputType({ description: "A tax reclaim code with its tax rates." })
export class TaxReclaimEntryInput {
  @Field(() => String, { description: "Reclaim code in the ERP." })
  reclaimCode!: string;

  @Field(() => String, { nullable: true, description: "Description of the reclaim code." })
  reclaimDesc?: string | null;

  @Field(() => [TaxReclaimDetailInput], { description: "Tax rates of this reclaim code." })
  reclaimDetails!: TaxReclaimDetailInput[];
}

/** Tax data of one state (or the whole country) to upload. */
@InputType({ description: "Tax reclaim codes of one state, or of the whole country when stateCode is omitted." })
export class TaxStateEntryInput {
  @Field(() => String, { nullable: true, description: "State or province code; omit when not state-specific." })
  stateCode?: string | null;

  @Field(() => String, { nullable: true, description: "State or province name; omit when not state-specific." })
  stateDesc?: string | null;

  @Field(() => [TaxReclaimEntryInput], { description: "Reclaim codes that apply in this state." })
  reclaimEntries!: TaxReclaimEntryInput[];
}

/** Tax data of one country to upload. */
@InputType({ description: "ERP tax data of one country." })
export class TaxDataInput {
  @Field(() => String, { description: "ISO 3166-1 alpha-2 country code, e.g. DE." })
  countryCode!: string;

  @Field(() => String, { nullable: true, description: "Country name (sent to Concur as `countryDesc`)." })
  countryName?: string | null;

  @Field(() => [TaxStateEntryInput], { description: "Tax data per state, or one entry for the whole country." })
  stateEntries!: TaxStateEntryInput[];
}
