/** The shell blocks test/e2e/docs-tour.test.ts runs as written (keys as test/helpers/doc-blocks.ts's shellBlockKey makes them). */
export const TOUR_SHELL_BLOCKS: readonly string[] = [
  "README.md KEY=cg_…  COMPANY=5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  "docs/running.md KEY=cg_…  COMPANY=5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  "docs/loading-erp-data.md npm run cli -- sync --type accounts --input examples/coa.csv --embedded --dry-run",
];
