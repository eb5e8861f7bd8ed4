import { Field, ID, InputType } from "type-graphql";
import { VendorType } from "./enums.js";
import type { Relation } from "./relation.js";

/** Postal address of a vendor to upload. */
@InputType({ description: "Postal address of a vendor; every member is optional." })
export class AddressInput {
  @Field(() => String, { nullable: true, description: "Address line 1." })
  addr1?: string | null;

  @Field(() => String, { nullable: true, description: "Address line 2." })
  addr2?: string | null;

  @Field(() => String, { nullable: true, description: "Address line 3." })
  addr3?: string | null;

  @Field(() => String, { nullable: true, description: "City." })
  city?: string | null;

  @Field(() => String, { nullable: true, description: "State or province." })
  state?: string | null;

  @Field(() => String, { nullable: true, description: "Country or region name." })
  country?: string | null;

  @Field(() => String, { nullable: true, description: "Postal code." })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: "Free-text note." })
  note?: string | null;
}

/**
 * One vendor to add or update. Which fields are required depends on `type`; that rule is
 * validated by the mutation, not by the schema.
 */
@InputType({
  description:
    "A vendor to add or update. Required by type: all need currencyCode; ACCOUNTING needs name and companyName; EMPLOYEE needs firstName, lastName, email and employeeId. EMPLOYEE vendors expire after 150 days unless re-sent.",
})
export class VendorInput {
  @Field(() => ID, { description: "Vendor key in the ERP (case-sensitive)." })
  id!: string;

  @Field(() => VendorType, { description: "Vendor kind; cannot be changed for an existing vendor." })
  type!: VendorType;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency code, e.g. USD." })
  currencyCode?: string | null;

  @Field(() => String, { nullable: true, description: "Vendor name (required for ACCOUNTING vendors)." })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "Company name (required for ACCOUNTING vendors)." })
  companyName?: string | null;

  @Field(() => String, { nullable: true, description: "Last name (required for EMPLOYEE vendors)." })
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: "First name (required for EMPLOYEE vendors)." })
  firstName?: string | null;

  @Field(() => String, { nullable: true, description: "Email address (required for EMPLOYEE vendors)." })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "Employee ID (required for EMPLOYEE vendors)." })
  employeeId?: string | null;

  @Field(() => String, { nullable: true, description: "Tax ID of the vendor." })
  taxId?: string | null;

  @Field(() => String, { nullable: true, description: "Phone number of the vendor." })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: "Account number of the vendor." })
  accountNumber?: string | null;

  @Field(() => AddressInput, { nullable: true, description: "Postal address." })
  address?: Relation<AddressInput> | null;
}
