import { EMULATOR_CLIENT_ID } from "../core/auth.js";
import type { CompanyDirectory } from "../core/companies.js";
import { defaultMappings, listIdAt } from "./mappings.js";
import { ACCOUNTING_SCOPES } from "./scopes.js";
import { newErp, type Erp, type RecordSet, type Store } from "./store.js";
import type { Account, ListName, Vendor } from "./types.js";
import { ACCOUNT_TYPES } from "./validation.js";

/** Fixed ids of the demo seed (`seed: "demo"`), so docs, tests and the README can name them. */
export const DEMO = {
  companyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  erpId: "e7b1d2c3-4a5b-4c6d-8e7f-000000000e79",
  externalErpId: "demo-erp-0001",
  partnerAppName: "Concur Graph Demo",
  erpName: "Emulated ERP",
  partnerId: EMULATOR_CLIENT_ID,
  scopes: ACCOUNTING_SCOPES,
  accounts: 5_000,
  vendors: 2_000,
  lists: 50,
  /** A second company, living in the second data center (`dataCenters[1]`), with a little data. */
  secondCompanyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2",
  secondErpId: "e7b1d2c3-4a5b-4c6d-8e7f-000000000e02",
  secondExternalErpId: "demo-erp-0002",
  secondAccounts: 4,
  secondVendors: 3,
  secondLists: 2,
} as const;

const ACCOUNT_WORDS = [
  "Travel", "Meals", "Lodging", "Airfare", "Mileage", "Office Supplies", "Software", "Telephone", "Training", "Marketing",
  "Entertainment", "Shipping", "Utilities", "Rent", "Repairs", "Consulting", "Legal Fees", "Insurance", "Freight", "Printing",
];
const ACCOUNT_SUFFIXES = ["Expense", "Domestic", "International", "Reimbursable", "Non-Billable", "Project", "Accrual", "Clearing"];
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Tim", "Radia", "Edsger"];
const LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Berners-Lee", "Perlman", "Dijkstra"];
const COMPANY_WORDS = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay"];
const COMPANY_KINDS = ["Supplies", "Logistics", "Consulting", "Travel", "Catering", "Software", "Print", "Facilities"];
const CITIES: ReadonlyArray<[string, string, string, string]> = [
  ["Seattle", "WA", "US", "USD"], ["Austin", "TX", "US", "USD"], ["Toronto", "ON", "CA", "CAD"], ["Berlin", "BE", "DE", "EUR"],
  ["Paris", "IDF", "FR", "EUR"], ["London", "LND", "GB", "GBP"], ["Sydney", "NSW", "AU", "AUD"], ["Tokyo", "13", "JP", "JPY"],
];
const STREETS = ["Main St", "Market St", "Oak Ave", "Pine Rd", "Elm St", "Harbor Blvd", "King St", "Queen St"];
const LIST_WORDS = ["Department", "Project", "Cost Center", "Region", "Customer", "Class", "Location", "Product Line", "Job", "Activity"];
/** A few well-known accounts first, so mappings (invoiceLiabilityAccount ACC-00002) point at real data. */
const FIXED_ACCOUNTS: ReadonlyArray<[string, string, string]> = [
  ["Cash", "1000", "BANK"],
  ["Accounts Payable", "2000", "ACCOUNTS_PAYABLE"],
  ["Employee Reimbursements", "2100", "OTHER_CURRENT_LIABILITIES"],
  ["Corporate Card Clearing", "1050", "CREDIT_CARD"],
];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function generateAccount(i: number): Account {
  const fixed = FIXED_ACCOUNTS[i];
  if (fixed) return { id: `ACC-${pad(i + 1, 5)}`, name: fixed[0], number: fixed[1], type: fixed[2] };
  const word = ACCOUNT_WORDS[i % ACCOUNT_WORDS.length];
  const suffix = ACCOUNT_SUFFIXES[Math.floor(i / ACCOUNT_WORDS.length) % ACCOUNT_SUFFIXES.length];
  // Most accounts are expense accounts; every 7th cycles through all types; every 10th has no GL number.
  const type = i % 7 === 0 ? ACCOUNT_TYPES[i % ACCOUNT_TYPES.length] : "EXPENSE";
  return { id: `ACC-${pad(i + 1, 5)}`, name: `${word} ${suffix} ${i + 1}`, number: i % 10 === 9 ? null : String(60000 + i), type };
}

export function generateVendor(i: number): Vendor {
  const [city, state, country, currency] = CITIES[i % CITIES.length];
  const address = {
    addr1: `${100 + (i % 900)} ${STREETS[i % STREETS.length]}`,
    addr2: i % 4 === 0 ? `Suite ${i % 50}` : null,
    addr3: null,
    city,
    state,
    country,
    postalCode: pad((i * 7919) % 100000, 5),
    note: i % 5 === 0 ? "Remit to head office" : null,
  };
  const id = `V-${pad(i + 1, 5)}`;
  if (i % 3 === 2) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length];
    const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
    return {
      id, type: "EMPLOYEE", currencyCode: currency, name: null, companyName: null, lastName: last, firstName: first,
      email: `${first}.${last}.${i + 1}@example.com`.toLowerCase(), employeeId: `E${pad(i + 1, 5)}`, taxId: null,
      phone: `+1-555-${pad(i % 10000, 4)}`, accountNumber: null, address,
    };
  }
  const company = `${COMPANY_WORDS[i % COMPANY_WORDS.length]} ${COMPANY_KINDS[Math.floor(i / COMPANY_WORDS.length) % COMPANY_KINDS.length]}`;
  return {
    id, type: "ACCOUNTING", currencyCode: currency, name: `${company} ${i + 1}`, companyName: `${company} Inc.`, lastName: null,
    firstName: null, email: `ap@${company.replace(/\s+/g, "-").toLowerCase()}.example.com`, employeeId: null,
    taxId: `TX${pad((i * 104729) % 1_000_000_000, 9)}`, phone: `+1-555-${pad((i * 31) % 10000, 4)}`,
    accountNumber: `AP-${pad(i + 1, 6)}`, address,
  };
}

export function generateListName(i: number): ListName {
  const word = LIST_WORDS[i % LIST_WORDS.length];
  const round = Math.floor(i / LIST_WORDS.length);
  return { id: listIdAt(i), name: round === 0 ? word : `${word} ${round + 1}` };
}

function appendGenerated<T extends Account | Vendor | ListName>(set: RecordSet, count: number, make: (i: number) => T, nowMs: number): void {
  for (let n = 0; n < count; n++) {
    // Skip indexes whose id is already taken (e.g. data PATCHed by a client with the same id scheme).
    let record = make(set.seedSeq++);
    while (set.get(record.id)) record = make(set.seedSeq++);
    set.upsert(record.id, record, nowMs);
  }
}

export interface SeedCounts {
  accounts?: number;
  vendors?: number;
  lists?: number;
}

/** Appends realistic generated records synchronously (admin seed and demo seed). */
export function seedErpData(erp: Erp, counts: SeedCounts, nowMs: number): void {
  if (counts.accounts) appendGenerated(erp.data.ACCOUNT, counts.accounts, generateAccount, nowMs);
  if (counts.vendors) appendGenerated(erp.data.VENDOR, counts.vendors, generateVendor, nowMs);
  if (counts.lists) appendGenerated(erp.data.LIST, counts.lists, generateListName, nowMs);
}

/**
 * The `seed: "demo"` state: the demo company (primary data center) with one registered ERP, data and full mappings,
 * and a second, small company living in `secondDataCenter`.
 */
export function seedDemo(companies: CompanyDirectory, store: Store, nowMs: number, dataCenters: { primary: string; second: string }): void {
  companies.ensure(DEMO.companyId, dataCenters.primary);
  const company = store.ensureCompany(DEMO.companyId);
  const erp = newErp(
    DEMO.companyId,
    {
      erpId: DEMO.erpId,
      partnerAppName: DEMO.partnerAppName,
      erpName: DEMO.erpName,
      externalErpId: DEMO.externalErpId,
      features: ["SUPPORTS_RECEIPT_POSTING", "SUPPORTS_LIABILITY_ACCOUNT"],
      postingOptions: [
        {
          postingCode: "JOURNAL",
          postingName: "Journal Entry",
          availableForOutOfPocketExpenses: true,
          configurationFields: [
            { configurationFieldType: "ERP_LIABILITY_ACCOUNT", isRequired: true },
            { configurationFieldType: "POSTING_DATE", isRequired: false },
          ],
        },
        { postingCode: "BILL", postingName: "Vendor Bill", availableForOutOfPocketExpenses: false },
      ],
    },
    DEMO.partnerId,
    defaultMappings(DEMO.erpId),
  );
  company.erps.set(DEMO.erpId, erp);
  seedErpData(erp, { accounts: DEMO.accounts, vendors: DEMO.vendors, lists: DEMO.lists }, nowMs);

  companies.ensure(DEMO.secondCompanyId, dataCenters.second);
  const second = newErp(
    DEMO.secondCompanyId,
    {
      erpId: DEMO.secondErpId,
      partnerAppName: DEMO.partnerAppName,
      erpName: `${DEMO.erpName} (second data center)`,
      externalErpId: DEMO.secondExternalErpId,
      features: ["SUPPORTS_LIABILITY_ACCOUNT"],
      postingOptions: [{ postingCode: "JOURNAL", postingName: "Journal Entry", availableForOutOfPocketExpenses: true }],
    },
    DEMO.partnerId,
    defaultMappings(DEMO.secondErpId),
  );
  store.ensureCompany(DEMO.secondCompanyId).erps.set(DEMO.secondErpId, second);
  seedErpData(second, { accounts: DEMO.secondAccounts, vendors: DEMO.secondVendors, lists: DEMO.secondLists }, nowMs);
}
