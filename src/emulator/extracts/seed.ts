import { randomUUID } from "node:crypto";
import type { CompanyDirectory } from "../core/companies.js";
import { encryptedId } from "./ids.js";
import type { ExtractDefinition, FilesStore, PaymentBatch } from "./store.js";

/**
 * Demo companies of the posting-by-file APIs. The Professional one is the Accounting demo company (same UUID as
 * `DEMO.companyId`: its Accounting mappings say PROFESSIONAL); the Standard one has no Accounting ERP, so only its
 * Profile tells its edition; the third one's Profile call fails (HTTP 500).
 */
export const FILES_DEMO = {
  professionalCompanyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  /** Lives in the second data center; Profile `marketingName` "Enterprise". */
  secondProfessionalCompanyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2",
  standardCompanyId: "5e0a1c1e-7d1b-4c3a-9f00-0000000057d0",
  profileFailsCompanyId: "5e0a1c1e-7d1b-4c3a-9f00-0000000000f0",
  saeName: "Standard Accounting Extract",
  praeName: "Payment Request Accounting Extract",
  /** Batch names of the Standard company. */
  batches: {
    expensePay: "USD: Employees Batch Paid by Expense Pay",
    empty: "USD: Company Check (via Accounts Payable)",
    large: "USD: ADP (via EPIP file)",
    closed: "USD: Card Program",
  },
} as const;

function definition(companyId: string, name: string, multiFile: boolean): ExtractDefinition {
  return { id: encryptedId(`${companyId}/definition/${name}`), name, multiFile };
}

function batch(companyId: string, fields: Omit<PaymentBatch, "id" | "guid" | "fileKeys">): PaymentBatch {
  return { ...fields, id: encryptedId(`${companyId}/batch/${fields.name}`), guid: randomUUID(), fileKeys: [] };
}

/** The demo state (`seed: "demo"`), rebuilt on every admin reset. */
export function seedFilesDemo(companies: CompanyDirectory, store: FilesStore, nowMs: number, dataCenters: { primary: string; second: string }): void {
  const pro = FILES_DEMO.professionalCompanyId;
  companies.ensure(pro, dataCenters.primary);
  const proFiles = store.company(pro);
  proFiles.profile = { kind: "ok", uuid: pro, name: "Concur Graph Demo (Professional)", marketingName: "CTE", offeringCode: "CES", expenseBlock: true };
  for (const def of [
    definition(pro, FILES_DEMO.saeName, false),
    definition(pro, FILES_DEMO.praeName, true),
    definition(pro, "European Extract", false),
    definition(pro, "AMEX Remittance - US", false),
  ]) proFiles.definitions.set(def.id, def);
  // Two jobs the customer's own schedule ran yesterday (the ERP flow may just pick jobs with a file-link).
  const sae = [...proFiles.definitions.values()][0];
  for (let i = 0; i < 2; i++) {
    const id = store.newId(pro, "job");
    proFiles.jobs.set(id, { id, definitionId: sae.id, createdAt: nowMs - 86_400_000 + i * 3_600_000, queuedMs: 1000, runMs: 2000, outcome: "Completed" });
  }

  const second = FILES_DEMO.secondProfessionalCompanyId;
  companies.ensure(second, dataCenters.second);
  const secondFiles = store.company(second);
  secondFiles.profile = { kind: "ok", uuid: second, name: "Concur Graph Demo (second data center)", marketingName: "Enterprise", offeringCode: "CES", expenseBlock: true };
  const secondSae = definition(second, FILES_DEMO.saeName, false);
  secondFiles.definitions.set(secondSae.id, secondSae);

  const std = FILES_DEMO.standardCompanyId;
  companies.ensure(std, dataCenters.primary);
  const stdFiles = store.company(std);
  stdFiles.profile = { kind: "ok", uuid: std, name: "Concur Graph Demo (Standard)", marketingName: "Standard Edition", offeringCode: "DIRECT-BREEZE+", expenseBlock: true };
  const { batches } = FILES_DEMO;
  for (const b of [
    batch(std, { name: batches.expensePay, total: "334.21", currency: "USD", count: 10, type: "Employee", paymentMethod: "Expense Pay by Concur", status: "OPEN", fileFormat: "zip" }),
    batch(std, { name: batches.empty, total: "0.00", currency: "USD", count: 0, type: "Employee", paymentMethod: "Company Check (via Accounts Payable)", status: "OPEN", fileFormat: "csv" }),
    batch(std, { name: batches.large, total: "912345.67", currency: "USD", count: 2500, type: "Employee", paymentMethod: "ADP (via EPIP file)", status: "OPEN", fileFormat: "csv" }),
    batch(std, { name: batches.closed, total: "1200.00", currency: "USD", count: 4, type: "Card Program", paymentMethod: "Other Reimbursement Methods", status: "CLOSED", fileFormat: "csv" }),
  ]) stdFiles.batches.set(b.id, b);
  const closed = [...stdFiles.batches.values()][3];
  const key = store.newId(std, "batchfile");
  closed.fileKeys.push(key);
  stdFiles.batchFiles.set(key, closed.id);

  const failing = FILES_DEMO.profileFailsCompanyId;
  companies.ensure(failing, dataCenters.primary);
  store.company(failing).profile = { kind: "fail", status: 500 };
}
