// The FIS `document` payload, one class per section of spec §3 (field tables of [FIS-SCHEMA]); Decimal: fis-scalars.ts.
// Field names are FIS's own (camelCase as in the SAP field tables), so the SAP documentation describes every field too.
import { GraphQLJSON } from "graphql-scalars";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "./connection.js";
import { FinancialDocType, FinancialDocumentStatus } from "./fis-enums.js";
import { Decimal } from "./fis-scalars.js";
import { FinancialImage } from "./images.type.js";
import type { Relation } from "./relation.js";

/** A numbered custom or org-unit field (`reportCustom3Code` / `reportCustom3Value`). */
@ObjectType({ description: "A numbered custom or org-unit field of a financial document: `<prefix><index>Code` and `<prefix><index>Value` (Value is the list item name when the field is list-driven). Fields with neither are left out." })
export class FinancialCustomField {
  @Field(() => Int, { description: "The field number n (e.g. 3 for reportCustom3Code)." })
  index!: number;

  @Field(() => String, { nullable: true, description: "The code (≤48 characters)." })
  code!: string | null;

  @Field(() => String, { nullable: true, description: "The value (≤64 characters; the list item name for list fields)." })
  value!: string | null;
}

@ObjectType({ description: "The employee a financial document belongs to (FIS `employee`, `ownerEmployee`, `employeeData`)." })
export class FinancialEmployee {
  @Field(() => String, { nullable: true, description: "Employee id (≤128; often the ERP vendor or payroll id)." })
  employeeId!: string | null;

  @Field(() => String, { nullable: true, description: "First name." })
  employeeFirstName!: string | null;

  @Field(() => String, { nullable: true, description: "Last name." })
  employeeLastName!: string | null;

  @Field(() => String, { nullable: true, description: "Middle initial." })
  employeeMI!: string | null;

  @Field(() => String, { nullable: true, description: "Concur login id." })
  loginId!: string | null;

  @Field(() => String, { nullable: true, description: "How the employee is reimbursed: ADPPAYR, APCHECK, CNQRPAY (Expense Pay) or PMTSERV." })
  employeeReimbursementMethodCode!: string | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];

  @Field(() => [FinancialCustomField], { description: "Org-unit fields (…OrgUnit<n>Code / Value), by number." })
  orgUnits!: FinancialCustomField[];
}

@ObjectType({ description: "Header of an expense report (FIS `report`)." })
export class ExpenseReport {
  @Field(() => String, { nullable: true, description: "Report id (32 alnum, globally unique; the voucher number)." })
  reportId!: string | null;

  @Field(() => Int, { nullable: true, description: "Report key (per-company sequence)." })
  reportKey!: number | null;

  @Field(() => String, { nullable: true, description: "Report number (6 upper-case characters)." })
  reportNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Report name." })
  reportName!: string | null;

  @Field(() => String, { nullable: true, description: "Ledger code." })
  ledgerCode!: string | null;

  @Field(() => String, { nullable: true, description: "Expense policy id." })
  policyId!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Total approved amount, in the reimbursement currency." })
  totalApprovedAmount!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Cash advance returned by the employee." })
  cashAdvanceReturnsAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Reimbursement currency (ISO 4217)." })
  employeeCurrencyAlphaCode!: string | null;

  @Field(() => String, { nullable: true, description: "Employee's home country." })
  homeCountryCode!: string | null;

  @Field(() => String, { nullable: true, description: "Y for a test report." })
  isTest!: string | null;

  @Field(() => String, { nullable: true, description: "Y when reimbursed through payroll." })
  payrollPayIndicator!: string | null;

  @Field(() => String, { nullable: true, description: "Payroll clearing account." })
  payrollPaymentClearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Created (as FIS sends it)." })
  reportCreationDate!: string | null;

  @Field(() => String, { nullable: true, description: "Submitted." })
  reportSubmitDate!: string | null;

  @Field(() => String, { nullable: true, description: "User-defined report date." })
  reportUserDefinedDate!: string | null;

  @Field(() => String, { nullable: true, description: "Payment processing date." })
  reportPaymentProcessingDate!: string | null;

  @Field(() => String, { nullable: true, description: "Trip start." })
  reportStartDate!: string | null;

  @Field(() => String, { nullable: true, description: "Trip end." })
  reportEndDate!: string | null;

  @Field(() => Int, { nullable: true, description: "Revision (default 1; tracks changes to posted expenses)." })
  revisionNumber!: number | null;

  @Field(() => String, { nullable: true, description: "FI document version (\"4\")." })
  versionId!: string | null;

  @Field(() => String, { nullable: true, description: "UUID of the last approver." })
  lastApproverId!: string | null;

  @Field(() => FinancialImage, { nullable: true, description: "The report's image: one PDF bundling the receipts of all entries (Image v1, asked for when selected); null when Concur has none." })
  image?: FinancialImage | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];

  @Field(() => [FinancialCustomField], { description: "Org-unit fields (…OrgUnit<n>Code / Value), by number." })
  orgUnits!: FinancialCustomField[];
}

@ObjectType({ description: "Mileage details of a mileage entry." })
export class ExpenseMileage {
  @Field(() => Decimal, { nullable: true, description: "Odometer at the start." })
  odometerStart!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Odometer at the end." })
  odometerEnd!: string | null;

  @Field(() => Int, { nullable: true, description: "Passengers." })
  passengerCount!: number | null;

  @Field(() => Decimal, { nullable: true, description: "Personal distance." })
  personalDistance!: string | null;

  @Field(() => String, { nullable: true, description: "Route id." })
  routeId!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Total distance." })
  totalDistance!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Mobile canteen or heavy load attached." })
  hasMobileCanteenOrHeavyLoadAttached!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Caravan attached." })
  hasCaravanAttached!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Dog included." })
  hasDogIncluded!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Forest or construction-site road on the route." })
  hasForestOrConstructionSiteRoadInRoute!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Forest road on the route." })
  hasForestRoadInRoute!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Marked for the higher rate." })
  isMarkedAsHigherRate!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Machinery carried." })
  hasMachinery!: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "Trailer attached." })
  hasTrailerAttached!: boolean | null;
}

@ObjectType({ description: "A journal line to post (FIS `allocation[].journal[]`). The direction is not a field: derive it from payer/payee and the sign of the amount." })
export class ExpenseJournalLine {
  @Field(() => String, { nullable: true, description: "Account: the expense type's GL account, a card clearing account, or a CBS account code." })
  journalAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Who pays (COMP, EMPL, COPD, CBCP, IBCP…)." })
  journalPayer!: string | null;

  @Field(() => String, { nullable: true, description: "Who is paid." })
  journalPayee!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Gross amount." })
  amountGross!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Amount net of tax." })
  amountNetOfTax!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Amount net of reclaimable tax." })
  amountNetOfReclaim!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Tax amount." })
  amountTax!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Amount due to the company card (CBCP / IBCP)." })
  amountGrossCard!: string | null;

  @Field(() => String, { nullable: true, description: "Card transaction reference." })
  cardTransactionReferenceNumber!: string | null;

  @Field(() => [String], { nullable: true, description: "Tax rows (taxGuid) this line relates to." })
  taxGuid!: string[] | null;

  @Field(() => String, { nullable: true, description: "QuickBooks transaction type (GJ, CC, BILL) or null." })
  accountingTransactionType!: string | null;
}

@ObjectType({ description: "A tax row of an allocation (FIS `allocation[].tax[]`)." })
export class ExpenseTaxLine {
  @Field(() => String, { nullable: true, description: "Id the journal lines refer to." })
  taxGuid!: string | null;

  @Field(() => String, { nullable: true, description: "Tax code." })
  taxCode!: string | null;

  @Field(() => String, { nullable: true, description: "Tax authority (e.g. GST)." })
  taxAuthorityLabel!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Tax amount." })
  amountTax!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Reclaimable part." })
  amountReclaim!: string | null;

  @Field(() => String, { nullable: true, description: "Reclaim code." })
  taxReclaimCode!: string | null;

  @Field(() => String, { nullable: true, description: "Source (e.g. SYST)." })
  taxSource!: string | null;

  @Field(() => String, { nullable: true, description: "Country." })
  locationCountryCode!: string | null;

  @Field(() => String, { nullable: true, description: "Region, e.g. CA-MB." })
  locationCountrySubCode!: string | null;

  @Field(() => String, { nullable: true, description: "Non-domestic code." })
  nonDomesticCode!: string | null;
}

@ObjectType({ description: "How an entry is split across cost objects, with the journal lines and tax rows of that share." })
export class ExpenseAllocation {
  @Field(() => String, { nullable: true, description: "Allocation id." })
  allocationId!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Share of the entry, percent." })
  allocationPercentage!: string | null;

  @Field(() => [ExpenseJournalLine], { nullable: true, description: "Journal lines to post." })
  journal!: Relation<ExpenseJournalLine>[] | null;

  @Field(() => [ExpenseTaxLine], { nullable: true, description: "Tax rows." })
  tax!: Relation<ExpenseTaxLine>[] | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];
}

@ObjectType({ description: "Payroll treatment of an entry (payroll documents)." })
export class PayrollEntryData {
  @Field(() => String, { nullable: true, description: "Taxable type." })
  taxableType!: string | null;

  @Field(() => String, { nullable: true, description: "Taxation type." })
  taxationType!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Approved amount." })
  entryApprovedAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Payroll wage type." })
  wageType!: string | null;

  @Field(() => String, { nullable: true, description: "Y when paid through payroll." })
  payrollPayIndicator!: string | null;
}

@ObjectType({ description: "One expense of a report (FIS `expenseEntry[]`)." })
export class ExpenseEntry {
  @Field(() => String, { nullable: true, description: "Entry id (GUID)." })
  entryId!: string | null;

  @Field(() => FinancialImage, { nullable: true, description: "The entry's receipt image (Image v1 by entryReceiptId, then entryId; asked for when selected); null when the entry has no receipt image id or Concur has none." })
  image?: FinancialImage | null;

  @Field(() => Int, { nullable: true, description: "Legacy numeric entry id." })
  legacyEntryId!: number | null;

  @Field(() => String, { nullable: true, description: "Expense type code." })
  expenseTypeCode!: string | null;

  @Field(() => String, { nullable: true, description: "Expense type name." })
  expenseTypeName!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Amount in the spend currency." })
  reportEntryTransactionAmount!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Approved amount in the reimbursement currency." })
  entryApprovedAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Spend currency." })
  entryCurrAlphaCode!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Exchange rate." })
  entryExchangeRate!: string | null;

  @Field(() => String, { nullable: true, description: "M (multiply) or D (divide)." })
  entryExchangeRateDirection!: string | null;

  @Field(() => String, { nullable: true, description: "Transaction date." })
  entryDate!: string | null;

  @Field(() => String, { nullable: true, description: "Payment type code (stable; use this one)." })
  reportEntryPatKey!: string | null;

  @Field(() => String, { nullable: true, description: "Payment type code (localised, may change)." })
  reportEntryPaymentTypeCode!: string | null;

  @Field(() => String, { nullable: true, description: "Payment type name." })
  reportEntryPaymentTypeName!: string | null;

  @Field(() => String, { nullable: true, description: "Y when paid through Expense Pay." })
  expensePayIndicator!: string | null;

  @Field(() => String, { nullable: true, description: "Expense Pay accounting flag." })
  expensePayAccountingIndicator!: string | null;

  @Field(() => String, { nullable: true, description: "Offset payment type." })
  offsetPayType!: string | null;

  @Field(() => String, { nullable: true, description: "Y for personal." })
  entryIsPersonal!: string | null;

  @Field(() => String, { nullable: true, description: "Y for billable." })
  entryIsBillable!: string | null;

  @Field(() => String, { nullable: true, description: "T tax receipt, R regular, N none." })
  entryReceiptType!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor code." })
  entryVendorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor." })
  entryVendorDescription!: string | null;

  @Field(() => String, { nullable: true, description: "Location." })
  entryLocationName!: string | null;

  @Field(() => String, { nullable: true, description: "City." })
  entryLocationCityName!: string | null;

  @Field(() => String, { nullable: true, description: "Country." })
  entryCountryCode!: string | null;

  @Field(() => String, { nullable: true, description: "Region, e.g. US-MN." })
  entryCountrySubCode!: string | null;

  @Field(() => String, { nullable: true, description: "From (travel)." })
  entryLocationFrom!: string | null;

  @Field(() => String, { nullable: true, description: "To (travel)." })
  entryLocationTo!: string | null;

  @Field(() => String, { nullable: true, description: "Receipt image id." })
  entryReceiptId!: string | null;

  @Field(() => String, { nullable: true, description: "E-receipt id." })
  entryElectronicReceiptId!: string | null;

  @Field(() => String, { nullable: true, description: "Card account." })
  cardAccountID!: string | null;

  @Field(() => String, { nullable: true, description: "Card transaction." })
  cardTransactionID!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Card transaction amount." })
  cardTransactionAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Card transaction currency." })
  cardTransactionCurrency!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Posted card amount." })
  cardTransactionPostedAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Posted card currency." })
  cardTransactionPostedCurrency!: string | null;

  @Field(() => String, { nullable: true, description: "Card billing date." })
  cardBillingDate!: string | null;

  @Field(() => String, { nullable: true, description: "Card program type." })
  cardProgramTypeCode!: string | null;

  @Field(() => String, { nullable: true, description: "Statement period start." })
  cardStatementPeriodStartDate!: string | null;

  @Field(() => String, { nullable: true, description: "Statement period end." })
  cardStatementPeriodEndDate!: string | null;

  @Field(() => String, { nullable: true, description: "Card processor reference." })
  cardProcessorReferenceNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Clearing account." })
  clearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Liability account." })
  liabilityAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Travel request id." })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: "Travel request entry id." })
  requestEntryId!: string | null;

  @Field(() => String, { nullable: true, description: "Merchant tax id." })
  merchantTaxId!: string | null;

  @Field(() => String, { nullable: true, description: "Supplier invoice id." })
  supplierInvoiceId!: string | null;

  @Field(() => String, { nullable: true, description: "Government invoice id." })
  govInvoiceId!: string | null;

  @Field(() => String, { nullable: true, description: "Supplier tax id (Mexico CFDI)." })
  entrySupplierTaxID!: string | null;

  @Field(() => String, { nullable: true, description: "CFDI UUID." })
  entryUuid!: string | null;

  @Field(() => String, { nullable: true, description: "Company tax id (GSTIN)." })
  companyTaxId!: string | null;

  @Field(() => String, { nullable: true, description: "HSN/SAC code." })
  hsnSacCode!: string | null;

  @Field(() => String, { nullable: true, description: "Place of supply." })
  placeOfSupplyState!: string | null;

  @Field(() => String, { nullable: true, description: "Description." })
  entryDescription!: string | null;

  @Field(() => ExpenseMileage, { nullable: true, description: "Mileage details (mileage entries)." })
  mileage!: Relation<ExpenseMileage> | null;

  @Field(() => [ExpenseAllocation], { nullable: true, description: "Allocations with their journal lines and tax rows." })
  allocation!: Relation<ExpenseAllocation>[] | null;

  @Field(() => [PayrollEntryData], { nullable: true, description: "Payroll treatment (payroll documents only)." })
  payrollData!: Relation<PayrollEntryData>[] | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];

  @Field(() => [FinancialCustomField], { description: "Org-unit fields (…OrgUnit<n>Code / Value), by number." })
  orgUnits!: FinancialCustomField[];
}

@ObjectType({ description: "A cash advance applied to the report (FIS `cashAdvanceApplication[]`)." })
export class CashAdvanceApplication {
  @Field(() => String, { nullable: true, description: "Cash advance id." })
  cashAdvanceId!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Amount applied (negative in the examples)." })
  cashAdvanceApplicationAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Clearing account." })
  cashAdvanceClearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "1 issue/return to admin, 2 application, 3 system carry-forward." })
  cashAdvanceTransactionType!: string | null;
}

@ObjectType({ description: "An expense report to post (docType EXPENSE)." })
export class ExpenseDocument {
  @Field(() => FinancialEmployee, { nullable: true, description: "The employee." })
  employee!: Relation<FinancialEmployee> | null;

  @Field(() => ExpenseReport, { nullable: true, description: "The report header." })
  report!: Relation<ExpenseReport> | null;

  @Field(() => [ExpenseEntry], { nullable: true, description: "The expenses." })
  expenseEntry!: Relation<ExpenseEntry>[] | null;

  @Field(() => [CashAdvanceApplication], { nullable: true, description: "Cash advances applied." })
  cashAdvanceApplication!: Relation<CashAdvanceApplication>[] | null;
}

@ObjectType({ description: "Header of an invoice (FIS `requestHeader`)." })
export class InvoiceHeader {
  @Field(() => String, { nullable: true, description: "Invoice (payment request) id." })
  requestId!: string | null;

  @Field(() => Int, { nullable: true, description: "Request key (Invoice Confirmation Import)." })
  reqKey!: number | null;

  @Field(() => String, { nullable: true, description: "Title." })
  requestTitle!: string | null;

  @Field(() => String, { nullable: true, description: "Description." })
  requestDescription!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor's invoice number." })
  vendorInvoiceNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Invoice date (YYYY-MM-DD or MM/DD/YYYY as FIS sends it)." })
  invoiceDate!: string | null;

  @Field(() => String, { nullable: true, description: "Received." })
  invoiceReceivedDate!: string | null;

  @Field(() => String, { nullable: true, description: "Payment due." })
  paymentDueDate!: string | null;

  @Field(() => String, { nullable: true, description: "Posting date." })
  postingDate!: string | null;

  @Field(() => String, { nullable: true, description: "Processing complete." })
  processCompleteDate!: string | null;

  @Field(() => String, { nullable: true, description: "Submitted." })
  submitDate!: string | null;

  @Field(() => String, { nullable: true, description: "Created." })
  requestCreationDate!: string | null;

  @Field(() => String, { nullable: true, description: "Currency." })
  currencyAlphaCode!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Total." })
  requestTotal!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Net amount." })
  amountNetInvoice!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Shipping." })
  amountShippingTotal!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Tax." })
  amountTax!: string | null;

  @Field(() => Decimal, { nullable: true, description: "VAT 1." })
  amountVAT1!: string | null;

  @Field(() => Decimal, { nullable: true, description: "VAT 2." })
  amountVAT2!: string | null;

  @Field(() => Decimal, { nullable: true, description: "VAT 3." })
  amountVAT3!: string | null;

  @Field(() => Decimal, { nullable: true, description: "VAT 4." })
  amountVAT4!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Discount, percent." })
  discountPercentage!: string | null;

  @Field(() => Int, { nullable: true, description: "Discount terms, days." })
  discountTermsDays!: number | null;

  @Field(() => Int, { nullable: true, description: "Net payment terms, days." })
  netPaymentTermDays!: number | null;

  @Field(() => String, { nullable: true, description: "ACH, CLIENT, check, PAYPVD, wire, card or VCHER (may change after the extract)." })
  payMethodType!: string | null;

  @Field(() => String, { nullable: true, description: "Pay indicator." })
  invoicePayIndicator!: string | null;

  @Field(() => String, { nullable: true, description: "Y for a test invoice." })
  isTest!: string | null;

  @Field(() => String, { nullable: true, description: "Ledger code." })
  ledgerCode!: string | null;

  @Field(() => String, { nullable: true, description: "Ledger name." })
  ledgerName!: string | null;

  @Field(() => String, { nullable: true, description: "Clearing account." })
  clearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Purchase order." })
  poNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Y when several purchase orders." })
  multiplePurchaseOrder!: string | null;

  @Field(() => String, { nullable: true, description: "Delivery slip." })
  deliverySlipNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor tax id." })
  vendorTaxId!: string | null;

  @Field(() => String, { nullable: true, description: "External policy id." })
  externalPolicyId!: string | null;

  @Field(() => String, { nullable: true, description: "Policy." })
  policyName!: string | null;

  @Field(() => Int, { nullable: true, description: "Revision." })
  revisionNumber!: number | null;

  @Field(() => String, { nullable: true, description: "FI document version." })
  versionId!: string | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];

  @Field(() => [FinancialCustomField], { description: "Org-unit fields (…OrgUnit<n>Code / Value), by number." })
  orgUnits!: FinancialCustomField[];
}

@ObjectType({ description: "The vendor of an invoice." })
export class InvoiceVendor {
  @Field(() => String, { nullable: true, description: "Vendor code." })
  vendorCode!: string | null;

  @Field(() => String, { nullable: true, description: "Vendor name." })
  vendorName!: string | null;

  @Field(() => String, { nullable: true, description: "Remit-to address." })
  vendorRemitToAddressCode!: string | null;

  @Field(() => String, { nullable: true, description: "Ship-from address." })
  vendorShipFromAddressCode!: string | null;

  @Field(() => String, { nullable: true, description: "Contact first name." })
  vendorContactFirstName!: string | null;

  @Field(() => String, { nullable: true, description: "Contact last name." })
  vendorContactLastName!: string | null;
}

@ObjectType({ description: "A tax row of an invoice allocation journal." })
export class InvoiceTaxLine {
  @Field(() => Decimal, { nullable: true, description: "Tax amount." })
  amountTax!: string | null;

  @Field(() => String, { nullable: true, description: "Tax code." })
  taxCode!: string | null;

  @Field(() => String, { nullable: true, description: "Which amount field the tax is in." })
  taxField!: string | null;
}

@ObjectType({ description: "The journal of an invoice allocation (one object per allocation, unlike expense)." })
export class InvoiceJournal {
  @Field(() => String, { nullable: true, description: "Account." })
  accountCode!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Gross." })
  amountGross!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Net." })
  amountNet!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Shipping." })
  amountShipping!: string | null;

  @Field(() => [InvoiceTaxLine], { nullable: true, description: "Tax rows." })
  tax!: Relation<InvoiceTaxLine>[] | null;
}

@ObjectType({ description: "How an invoice line is split." })
export class InvoiceAllocation {
  @Field(() => Int, { nullable: true, description: "Allocation key." })
  allocationKey!: number | null;

  @Field(() => Decimal, { nullable: true, description: "Share, percent." })
  allocationPercentage!: string | null;

  @Field(() => String, { nullable: true, description: "Account." })
  allocationAccountCode!: string | null;

  @Field(() => InvoiceJournal, { nullable: true, description: "The journal to post." })
  journal!: Relation<InvoiceJournal> | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];
}

@ObjectType({ description: "A line of an invoice." })
export class InvoiceLineItem {
  @Field(() => Int, { nullable: true, description: "Line number." })
  lineItemSequenceOrder!: number | null;

  @Field(() => String, { nullable: true, description: "Expense type (may be space-padded, as FIS sends it)." })
  expenseTypeCode!: string | null;

  @Field(() => String, { nullable: true, description: "Expense type name." })
  expenseTypeName!: string | null;

  @Field(() => String, { nullable: true, description: "Item code." })
  lineItemCode!: string | null;

  @Field(() => String, { nullable: true, description: "Description." })
  lineItemDescription!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Quantity." })
  lineItemQuantity!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Unit price." })
  lineItemUnitPrice!: string | null;

  @Field(() => String, { nullable: true, description: "Purchase order." })
  lineItemPurchaseOrderNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Purchase order line." })
  poLineNumber!: string | null;

  @Field(() => String, { nullable: true, description: "External line id." })
  externalLineItemId!: string | null;

  @Field(() => String, { nullable: true, description: "Delivery slip." })
  lineItemDeliverySlipNumber!: string | null;

  @Field(() => [InvoiceAllocation], { nullable: true, description: "Allocations with their journals." })
  allocation!: Relation<InvoiceAllocation>[] | null;

  @Field(() => [FinancialCustomField], { description: "Custom fields (…Custom<n>Code / Value), by number." })
  customFields!: FinancialCustomField[];
}

@ObjectType({ description: "An invoice to post (docType INVOICE)." })
export class InvoiceDocument {
  @Field(() => InvoiceHeader, { nullable: true, description: "The invoice header." })
  requestHeader!: Relation<InvoiceHeader> | null;

  @Field(() => FinancialEmployee, { nullable: true, description: "The employee who owns the invoice." })
  ownerEmployee!: Relation<FinancialEmployee> | null;

  @Field(() => InvoiceVendor, { nullable: true, description: "The vendor." })
  vendor!: Relation<InvoiceVendor> | null;

  @Field(() => [InvoiceLineItem], { nullable: true, description: "The lines." })
  lineItem!: Relation<InvoiceLineItem>[] | null;

  @Field(() => FinancialImage, { nullable: true, description: "The invoice image (Image v1 by requestId, asked for when selected); null when Concur has none." })
  image?: FinancialImage | null;
}

@ObjectType({ description: "A cash advance (FIS `cashAdvanceData`)." })
export class CashAdvanceData {
  @Field(() => String, { nullable: true, description: "Cash advance id." })
  cashAdvanceId!: string | null;

  @Field(() => String, { nullable: true, description: "Name." })
  name!: string | null;

  @Field(() => String, { nullable: true, description: "Purpose." })
  purpose!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Requested amount." })
  requestAmount!: string | null;

  @Field(() => String, { nullable: true, description: "Requested." })
  requestDate!: string | null;

  @Field(() => String, { nullable: true, description: "Issued." })
  issuedDate!: string | null;

  @Field(() => String, { nullable: true, description: "Disbursement wanted." })
  requestedDisbursementDate!: string | null;

  @Field(() => String, { nullable: true, description: "Trip start." })
  travelStartDate!: string | null;

  @Field(() => String, { nullable: true, description: "Trip end." })
  travelEndDate!: string | null;

  @Field(() => String, { nullable: true, description: "Currency." })
  currencyAlphaCode!: string | null;

  @Field(() => String, { nullable: true, description: "Numeric currency code (\"840\")." })
  currencyNumCode!: string | null;

  @Field(() => String, { nullable: true, description: "Employee's currency." })
  employeeCurrencyAlphaCode!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Exchange rate." })
  exchangeRate!: string | null;

  @Field(() => String, { nullable: true, description: "0 non-Expense-Pay, 1 Expense Pay." })
  paymentMethod!: string | null;

  @Field(() => String, { nullable: true, description: "Expense Pay flag." })
  expensePayIndicator!: string | null;

  @Field(() => String, { nullable: true, description: "1 issue, 2 application, 3 carry-forward." })
  transactionType!: string | null;

  @Field(() => String, { nullable: true, description: "Clearing account." })
  clearingAccountCode!: string | null;

  @Field(() => String, { nullable: true, description: "Country." })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: "Region." })
  countrySubCode!: string | null;

  @Field(() => String, { nullable: true, description: "Location." })
  locationName!: string | null;

  @Field(() => String, { nullable: true, description: "Y for a test advance." })
  isTest!: string | null;
}

@ObjectType({ description: "A journal line of a cash advance, with its explicit debit/credit." })
export class CashAdvanceJournalLine {
  @Field(() => String, { nullable: true, description: "Account." })
  accountCode!: string | null;

  @Field(() => Decimal, { nullable: true, description: "Signed amount." })
  amount!: string | null;

  @Field(() => String, { nullable: true, description: "DR or CR." })
  debitOrCredit!: string | null;

  @Field(() => String, { nullable: true, description: "Payer." })
  payer!: string | null;

  @Field(() => String, { nullable: true, description: "Payee." })
  payee!: string | null;

  @Field(() => String, { nullable: true, description: "Payment code." })
  paymentCode!: string | null;
}

@ObjectType({ description: "A cash advance to post (docType CASH_ADVANCE)." })
export class CashAdvanceDocument {
  @Field(() => FinancialEmployee, { nullable: true, description: "The employee." })
  employeeData!: Relation<FinancialEmployee> | null;

  @Field(() => CashAdvanceData, { nullable: true, description: "The advance." })
  cashAdvanceData!: Relation<CashAdvanceData> | null;

  @Field(() => [CashAdvanceJournalLine], { nullable: true, description: "Journal lines (DR/CR)." })
  journalData!: Relation<CashAdvanceJournalLine>[] | null;
}

@ObjectType({ description: "An expense paid through payroll (docType PAYROLL): common fields typed, the rest in `travelAllowances` and FinancialDocument.document." })
export class PayrollDocument {
  @Field(() => FinancialEmployee, { nullable: true, description: "The employee." })
  employee!: Relation<FinancialEmployee> | null;

  @Field(() => ExpenseReport, { nullable: true, description: "The report header." })
  report!: Relation<ExpenseReport> | null;

  @Field(() => [ExpenseEntry], { nullable: true, description: "The expenses with their payrollData." })
  expenseEntry!: Relation<ExpenseEntry>[] | null;

  @Field(() => [CashAdvanceApplication], { nullable: true, description: "Cash advances applied." })
  cashAdvanceApplication!: Relation<CashAdvanceApplication>[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "Travel allowance details, as FIS sends them (amounts as decimal strings)." })
  travelAllowances!: unknown | null;
}

@ObjectType({ description: "A funds reservation (docTypes REQUEST_OBLIGATION, REPORT_OBLIGATION): common fields typed, the rest in FinancialDocument.document." })
export class ObligationDocument {
  @Field(() => GraphQLJSON, { nullable: true, description: "What to do: {instruction: create/revise (fundsCheck), check-only or release}." })
  instruction!: unknown | null;

  @Field(() => FinancialEmployee, { nullable: true, description: "The employee." })
  employee!: Relation<FinancialEmployee> | null;

  @Field(() => ExpenseReport, { nullable: true, description: "The report (report obligations)." })
  report!: Relation<ExpenseReport> | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "The travel request header (request obligations), as FIS sends it." })
  requestHeader!: unknown | null;
}

/** A financial document of the FIS queue (FIDocument). */
@ObjectType({
  description:
    "A financial document FIS hands to the ERP (an FIDocument): its id (the one to acknowledge and confirm), status, and the document itself — typed per doc type in exactly one of expense / invoice / cashAdvance / payroll / obligation, and whole as JSON in `document`. Amounts are exact Decimal strings.",
})
export class FinancialDocument {
  @Field(() => ID, { description: "FIS document id: the id to acknowledge and confirm. Not the report id; a re-approved report gets a new one." })
  id!: string;

  @Field(() => FinancialDocType, { description: "Doc type." })
  docType!: FinancialDocType;

  @Field(() => FinancialDocumentStatus, { description: "Status in FIS. In a financialDocuments walk: the status when the walk began." })
  status!: FinancialDocumentStatus;

  @Field(() => ID, { nullable: true, description: "Company UUID (the token's company)." })
  companyUuid!: string | null;

  @Field(() => String, { nullable: true, description: "Legacy Concur company id (FIS `companyId`, e.g. \"821599\")." })
  legacyCompanyId!: string | null;

  @Field(() => String, { nullable: true, description: "Concur entity id." })
  entityId!: string | null;

  @Field(() => String, { nullable: true, description: "External system that processed the document, when FIS knows one." })
  erpSystemId!: string | null;

  @Field(() => ExpenseDocument, { nullable: true, description: "The expense report (docType EXPENSE), else null." })
  expense!: Relation<ExpenseDocument> | null;

  @Field(() => InvoiceDocument, { nullable: true, description: "The invoice (docType INVOICE), else null." })
  invoice!: Relation<InvoiceDocument> | null;

  @Field(() => CashAdvanceDocument, { nullable: true, description: "The cash advance (docType CASH_ADVANCE), else null." })
  cashAdvance!: Relation<CashAdvanceDocument> | null;

  @Field(() => PayrollDocument, { nullable: true, description: "The payroll document (docType PAYROLL), else null." })
  payroll!: Relation<PayrollDocument> | null;

  @Field(() => ObligationDocument, { nullable: true, description: "The funds reservation (docTypes REQUEST_OBLIGATION, REPORT_OBLIGATION), else null." })
  obligation!: Relation<ObligationDocument> | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "The whole financial document as FIS sent it, every number that is not a small integer as an exact decimal string." })
  document!: unknown;
}

/** Paged financial documents. */
@ObjectType({
  description:
    "A page of READY financial documents (Relay connection). The first page (no `after`) takes a snapshot of FIS's READY queue — read from its last page back to its first, so documents acknowledged meanwhile cannot shift others out of sight — and every cursor walks that snapshot: each document READY when the walk began is returned exactly once, even while this or another caller acknowledges documents; documents that become READY later come in the next walk (or through financialDocumentReady). Cursors live 30 minutes.",
})
export class FinancialDocumentConnection extends Connection(FinancialDocument, "FinancialDocument") {}
