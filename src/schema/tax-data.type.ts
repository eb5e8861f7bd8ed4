import { Field, Float, ID, ObjectType } from "type-graphql";

/** A tax rate valid for a period (REST `reclaimDetails[]`). */
@ObjectType({ description: "A tax code with its rate and validity period." })
export class TaxReclaimDetail {
  @Field(() => String, { description: "Tax code in the ERP." })
  taxCode!: string;

  @Field(() => String, { nullable: true, description: "Description of the tax rate." })
  taxRateDesc!: string | null;

  @Field(() => Float, { nullable: true, description: "Tax rate in percent, e.g. 19.0." })
  percentage!: number | null;

  @Field(() => String, { description: "First day the rate applies, YYYY-MM-DD." })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: "Last day the rate applies, YYYY-MM-DD; null when open-ended." })
  validTo!: string | null;
}

/** A reclaim code with its tax rates (REST `reclaimEntries[]`). */
@ObjectType({ description: "A tax reclaim code with the tax rates that belong to it." })
export class TaxReclaimEntry {
  @Field(() => String, { description: "Reclaim code in the ERP." })
  reclaimCode!: string;

  @Field(() => String, { nullable: true, description: "Description of the reclaim code." })
  reclaimDesc!: string | null;

  @Field(() => [TaxReclaimDetail], { description: "Tax rates of this reclaim code." })
  reclaimDetails!: TaxReclaimDetail[];
}

/** Tax data of one state, or of the whole country (REST `stateEntries[]`). */
@ObjectType({ description: "Tax reclaim codes of one state or province, or of the whole country when stateCode is null." })
export class TaxStateEntry {
  @Field(() => String, { nullable: true, description: "State or province code; null when not state-specific." })
  stateCode!: string | null;

  @Field(() => String, { nullable: true, description: "State or province name; null when not state-specific." })
  stateDesc!: string | null;

  @Field(() => [TaxReclaimEntry], { description: "Reclaim codes that apply in this state." })
  reclaimEntries!: TaxReclaimEntry[];
}

/** Tax data of one country, as cached by Concur (REST `TaxData`, added 2025-06). */
@ObjectType({ description: "ERP tax codes and reclaim codes of one country, cached by Concur (added 2025-06)." })
export class TaxData {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID the tax data was uploaded through." })
  erpId!: string;

  @Field(() => String, { description: "ISO 3166-1 alpha-2 country code, e.g. DE." })
  countryCode!: string;

  @Field(() => String, {
    nullable: true,
    description: "Country name. REST sends it as `countryName` (schema) or `countryDesc` (examples); both are read.",
  })
  countryName!: string | null;

  @Field(() => [TaxStateEntry], { description: "Tax data per state, or one entry for the whole country." })
  stateEntries!: TaxStateEntry[];
}
