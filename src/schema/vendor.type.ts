import { Directive, Field, ID, ObjectType } from "type-graphql";
import { VendorType } from "./enums.js";
import type { Relation } from "./relation.js";

/** Postal address of a vendor (REST `Address`); every member may be null. */
@ObjectType({ description: "Postal address of a vendor. Concur returns null for every member that was not sent." })
export class Address {
  @Field(() => String, { nullable: true, description: "Address line 1." })
  addr1!: string | null;

  @Field(() => String, { nullable: true, description: "Address line 2." })
  addr2!: string | null;

  @Field(() => String, { nullable: true, description: "Address line 3." })
  addr3!: string | null;

  @Field(() => String, { nullable: true, description: "City." })
  city!: string | null;

  @Field(() => String, { nullable: true, description: "State or province." })
  state!: string | null;

  @Field(() => String, { nullable: true, description: "Country or region name." })
  country!: string | null;

  @Field(() => String, { nullable: true, description: "Postal code." })
  postalCode!: string | null;

  @Field(() => String, { nullable: true, description: "Free-text note." })
  note!: string | null;
}

/** A vendor of the ERP, as cached by Concur (REST `Vendor`). */
@Directive('@key(fields: "companyId erpId id")')
@ObjectType({
  description:
    "A vendor from the ERP, cached by Concur (not imported into Concur). Concur returns null for every field that was not sent.",
})
export class Vendor {
  @Field(() => ID, { description: "Concur company UUID." })
  companyId!: string;

  @Field(() => ID, { description: "ERP integration UUID the vendor was uploaded through." })
  erpId!: string;

  @Field(() => ID, { description: "Vendor key in the ERP (case-sensitive)." })
  id!: string;

  @Field(() => VendorType, {
    nullable: true,
    description: "Vendor kind; null only when Concur returns a type this gateway does not know.",
  })
  type!: VendorType | null;

  @Field(() => String, { nullable: true, description: "ISO 4217 currency code, e.g. USD." })
  currencyCode!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor name (required for ACCOUNTING vendors)." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "Company name (required for ACCOUNTING vendors)." })
  companyName!: string | null;

  @Field(() => String, { nullable: true, description: "Last name (EMPLOYEE vendors)." })
  lastName!: string | null;

  @Field(() => String, { nullable: true, description: "First name (EMPLOYEE vendors)." })
  firstName!: string | null;

  @Field(() => String, { nullable: true, description: "Email address (EMPLOYEE vendors)." })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "Employee ID (EMPLOYEE vendors)." })
  employeeId!: string | null;

  @Field(() => String, { nullable: true, description: "Tax ID of the vendor." })
  taxId!: string | null;

  @Field(() => String, { nullable: true, description: "Phone number of the vendor." })
  phone!: string | null;

  @Field(() => String, { nullable: true, description: "Account number of the vendor." })
  accountNumber!: string | null;

  @Field(() => Address, { nullable: true, description: "Postal address; null when none was sent." })
  address!: Relation<Address> | null;
}
