/** ERP data (spec §1.2): accounts, vendors, list names, tax data, and the PATCH bodies that carry them. */
import type { OpenEnum, AccountType, VendorType } from "./enums.js";

/** Marks a record of a PATCH body for deletion (only `id` is needed). */
export interface Deletable {
  isDeleted?: boolean;
}

/** A record that deletes the record with this id. */
export interface DeletionRecord {
  id: string;
  isDeleted: true;
}

/**
 * Body of the data PATCH endpoints and the taxData POST/PUT. `deleteAll: true` deletes all cached
 * data of that type first; `{deleteAll: true, data: []}` just clears it.
 */
export interface PatchBody<T> {
  deleteAll?: boolean;
  data: T[];
}

export interface Account extends Deletable {
  id: string;
  name: string;
  /** GL code; GET returns null when absent. */
  number?: string | null;
  type: OpenEnum<AccountType>;
}

export interface Address {
  addr1?: string | null;
  addr2?: string | null;
  addr3?: string | null;
  city?: string | null;
  state?: string | null;
  country?: string | null;
  postalCode?: string | null;
  note?: string | null;
}

/** GET returns every member, with null for absent ones (including `address`). */
export interface Vendor extends Deletable {
  id: string;
  type: OpenEnum<VendorType>;
  currencyCode?: string | null;
  name?: string | null;
  companyName?: string | null;
  lastName?: string | null;
  firstName?: string | null;
  email?: string | null;
  employeeId?: string | null;
  taxId?: string | null;
  phone?: string | null;
  accountNumber?: string | null;
  address?: Address | null;
}

/** REST calls this `List`. */
export interface ListName extends Deletable {
  id: string;
  name: string;
}

export interface TaxReclaimDetail {
  taxCode: string;
  taxRateDesc?: string | null;
  percentage?: number | null;
  /** `YYYY-MM-dd`. */
  validFrom: string;
  validTo?: string | null;
}

export interface TaxReclaimEntry {
  reclaimCode: string;
  reclaimDesc?: string | null;
  reclaimDetails: TaxReclaimDetail[];
}

export interface TaxStateEntry {
  stateCode?: string | null;
  /** Null when not state-specific. */
  stateDesc?: string | null;
  reclaimEntries: TaxReclaimEntry[];
}

/** The country name is `countryName` in the schema and `countryDesc` in the examples (Q17). */
export interface TaxData extends Deletable {
  countryCode: string;
  countryName?: string | null;
  countryDesc?: string | null;
  stateEntries: TaxStateEntry[];
}
