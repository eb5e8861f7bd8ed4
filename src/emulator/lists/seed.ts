import type { CompanyLists, EmuItem, EmuList } from "./store.js";

/**
 * Fixed ids of the demo lists (`seed: "demo"`). The company is the Accounting demo company; the two list ids are the
 * `concurListId`s the Accounting demo mappings give ERP lists LST-0001 and LST-0002 (an API folder may not import
 * another, so test/emulator/lists checks the two stay equal).
 */
export const DEMO_LISTS = {
  companyId: "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  /** 3 levels, 10 × 10 × 19 = 2,010 items; mapped to ERP list LST-0001. */
  costCenters: "4afafdf8-0000-4000-8000-4afafdf84afa",
  costCentersShape: [10, 10, 19] as readonly number[],
  /** 1 level, 25 items; mapped to ERP list LST-0002. */
  projects: "4dfb02b1-0000-4000-8000-4dfb02b14dfb",
  /** 3 levels, empty: a target for a first sync. */
  emptyCostCenters: "5ca1ab1e-0000-4000-8000-00000000e3e3",
  /** Shares region R01 of the cost centres (201 items). */
  emeaCostCenters: "5ca1ab1e-0000-4000-8000-00000000ee01",
  /** Managed by another app: every write answers 400 list.is.managed. */
  managedVendors: "5ca1ab1e-0000-4000-8000-00000000a9a9",
  otherAppId: "appId:9a9a9a9a-0000-4000-8000-00000000a9a9",
} as const;

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const PREFIX = ["R", "D", "C", "X", "Y"];

/**
 * Fills `list` with a generated tree: `shape[k]` children per item at level k+1. Short codes `R01`, `D03`, `C007`…
 * (never a hyphen), values `Region 01`, `Department 01.03`, `Cost centre 01.03.007`.
 */
export function generateTree(company: CompanyLists, list: EmuList, shape: readonly number[]): number {
  let count = 0;
  const grow = (parent: EmuItem | null, level: number, path: number[]) => {
    if (level >= shape.length) return;
    for (let i = 1; i <= shape[level]; i++) {
      const width = shape[level] >= 100 ? 3 : level === 2 ? 3 : 2;
      const numbers = [...path, i];
      const label = level === 0 ? "Region" : level === 1 ? "Department" : level === 2 ? "Cost centre" : "Unit";
      const item = company.addItem(list, `${PREFIX[level] ?? "L"}${pad(i, width)}`, `${label} ${numbers.map((n, k) => pad(n, k === 2 ? 3 : 2)).join(".")}`, parent);
      count++;
      grow(item, level + 1, numbers);
    }
  };
  grow(null, 0, []);
  return count;
}

/** The demo company's lists. */
export function seedDemoLists(company: CompanyLists): void {
  const cost = company.addList({ id: DEMO_LISTS.costCenters, value: "Cost Centers", levelCount: 3, categoryType: "Normal" });
  generateTree(company, cost, DEMO_LISTS.costCentersShape);
  const projects = company.addList({ id: DEMO_LISTS.projects, value: "Projects", levelCount: 1, categoryType: "Normal", searchCriteria: "CODE" });
  for (let i = 1; i <= 25; i++) company.addItem(projects, `P${pad(i, 3)}`, `Project ${pad(i, 3)}`, null);
  company.addList({ id: DEMO_LISTS.emptyCostCenters, value: "Cost Centers (new)", levelCount: 3, categoryType: "Normal" });
  const emea = company.addList({ id: DEMO_LISTS.emeaCostCenters, value: "Cost Centers EMEA", levelCount: 3, categoryType: "Normal", displayFormat: "TEXT (CODE)" });
  const region = company.byCode(cost.id, "R01");
  if (region) company.share(region, emea);
  const vendors = company.addList({ id: DEMO_LISTS.managedVendors, value: "Partner Vendor Codes", levelCount: 1, categoryType: "Vendor", managedBy: DEMO_LISTS.otherAppId, externalThreshold: 1 });
  for (let i = 1; i <= 5; i++) company.addItem(vendors, `V${pad(i, 3)}`, `Vendor ${pad(i, 3)}`, null);
}
