import { Kind, type OperationDefinitionNode } from "graphql";

/** The shell blocks test/e2e/docs-tour.test.ts runs as written (keys as test/helpers/doc-blocks.ts's shellBlockKey makes them). */
export const TOUR_SHELL_BLOCKS: readonly string[] = [
  "README.md KEY=cg_…  COMPANY=5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  "docs/running.md KEY=cg_…  COMPANY=5e0a1c1e-7d1b-4c3a-9f00-00000000c0de",
  "docs/loading-erp-data.md npm run cli -- sync --type accounts --input examples/coa.csv --embedded --dry-run",
];

/**
 * A GraphQL operation's identity in test/e2e/docs-graphql.test.ts: its file and its name (an anonymous one: its type
 * and first field).
 */
export function graphqlOperationKey(file: string, op: OperationDefinitionNode): string {
  const first = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return `${file} ${op.name?.value ?? `${op.operation} { ${first?.kind === Kind.FIELD ? first.name.value : "…"}`}`;
}

/**
 * The GraphQL operations of the README and docs/ that test/e2e/docs-graphql.test.ts does not run against the demo, and
 * why, by graphqlOperationKey (none today: the demo connects a Standard-edition company for the payment-batch blocks).
 */
export const GRAPHQL_NOT_RUN: Record<string, string> = {};
