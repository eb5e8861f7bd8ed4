// Every GraphQL block of the README and docs/ is a valid document of the gateway's schema (schema.graphql) whose
// ```json variables block (test/e2e/docs-graphql.test.ts runs them all against the demo) gives every variable it
// requires, and every shell block is either run as written by test/e2e/docs-tour.test.ts or listed here with why it
// cannot run on a machine without the real Concur; a new block fails this test until it is one or the other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, Kind, parse, validate, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";
import { docBlocks, graphqlDocBlocks, shellBlockKey, variableReference } from "../helpers/doc-blocks.js";
import { GRAPHQL_NOT_RUN, graphqlOperationKey, TOUR_SHELL_BLOCKS } from "../e2e/docs-tour.blocks.js";

const schema = buildSchema(readFileSync(join(REPO_ROOT, "schema.graphql"), "utf8"));

/** Shell blocks that are not run, and why. */
const NOT_RUN: Record<string, string> = {
  "README.md npm ci      # installs everything (Node.js 20.10+, npm, and python3/make/g++ for better-sqlite3's native build)":
    "the set-up itself: .ci/run runs `npm ci` on a clean clone, test/e2e/demo-process.test.ts runs `npm start`",
  "docs/connecting-customers.md CONCUR_AUTH_MODE=managed \\": "production recipe: the real Concur, your app's credentials and database",
  'docs/connecting-customers.md npm run cli -- keys create --name "ERP front-end" --role write --companies 5e0a1c1e-…,7f3b…   # prints the key once':
    "needs your company ids and the key id the first line prints; the same commands run in test/e2e/cli-keys.test.ts",
  "docs/ess-subscriptions.md CONCUR_AUTH_MODE=managed CONCUR_CLIENT_ID=… CONCUR_CLIENT_SECRET=… \\": "production recipe: the real Concur and a public URL",
  "docs/loading-erp-data.md npx concur-graph sync --type vendors --input vendors.csv \\": "needs a deployment and your company and ERP ids; the local dry run above it is run",
  'docs/posting-by-file.md curl -H "Authorization: Bearer $TOKEN_OR_API_KEY" -o extract.csv "$URL"': "needs a download URL an extract job produced; test/e2e/extracts-posting.test.ts downloads one",
  "docs/running.md npm run emulator                                            # http://127.0.0.1:4010 (EMULATOR_PORT), demo data":
    "two long-running servers in two terminals; the emulator's own tests and test/e2e/queries.test.ts cover the same set-up",
  "docs/running.md CONCUR_BASE_URL=https://us2.api.concursolutions.com \\": "production recipe: the real Concur",
  "docs/subscriptions.md curl -X PUT https://us.api.concursolutions.com/events/v4/subscriptions/webhook \\": "production recipe: the real Concur's ESS with an app token",
};

describe("GraphQL blocks of the README and docs/", () => {
  const blocks = docBlocks(["graphql"]);
  it("there are some", () => expect(blocks.length).toBeGreaterThan(10));
  for (const block of blocks) {
    it(`${block.where} is a valid document of schema.graphql`, () => {
      const errors = validate(schema, parse(block.code));
      expect(errors.map((e) => e.message)).toEqual([]);
    });
  }
});

describe("variables of the GraphQL blocks (run against the demo by test/e2e/docs-graphql.test.ts)", () => {
  const blocks = graphqlDocBlocks();
  /** "<file>#<operation>" of every named operation, in file order. */
  const seen: string[] = [];
  for (const block of blocks) {
    const operations = parse(block.code).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const run = operations.filter((op) => !(graphqlOperationKey(block.file, op) in GRAPHQL_NOT_RUN));
    const before = [...seen];
    seen.push(...operations.flatMap((op) => (op.name ? [`${block.file}#${op.name.value}`] : [])));
    if (run.length === 0) continue;
    it(`${block.where}: its variables block gives what its operations require, and names only answers above it`, () => {
      const variables = block.variables ? (JSON.parse(block.variables.code) as Record<string, unknown>) : {};
      const missing = run.flatMap((op) =>
        (op.variableDefinitions ?? [])
          .filter((v) => v.type.kind === Kind.NON_NULL_TYPE && v.defaultValue === undefined && !(v.variable.name.value in variables))
          .map((v) => `${op.name?.value ?? op.operation}: $${v.variable.name.value}`),
      );
      expect(missing, "give each in a ```json block right after the GraphQL block").toEqual([]);
      const references: string[] = [];
      const walk = (value: unknown): void => {
        const ref = variableReference(value);
        if (ref) references.push(`${ref.file ?? block.file}#${ref.operation}`);
        else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
      };
      walk(variables);
      const ownNames = operations.flatMap((op) => (op.name ? [`${block.file}#${op.name.value}`] : []));
      // A reference names an operation of an earlier block, or an earlier operation of this block.
      expect(references.filter((r) => !before.includes(r) && !ownNames.includes(r))).toEqual([]);
    });
  }

  it("GRAPHQL_NOT_RUN lists only operations that exist", () => {
    const keys = new Set(
      blocks.flatMap((b) =>
        parse(b.code)
          .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
          .map((op) => graphqlOperationKey(b.file, op)),
      ),
    );
    expect(Object.keys(GRAPHQL_NOT_RUN).filter((k) => !keys.has(k))).toEqual([]);
  });
});

describe("shell blocks of the README and docs/", () => {
  it("each is run by docs-tour.test.ts or listed with why it is not", () => {
    const unclassified = docBlocks(["sh", "bash", "shell"])
      .map((b) => ({ where: b.where, key: shellBlockKey(b) }))
      .filter(({ key }) => !(key in NOT_RUN) && !TOUR_SHELL_BLOCKS.includes(key));
    expect(unclassified, "classify each new block: run it in test/e2e/docs-tour.test.ts, or say in NOT_RUN why it cannot run").toEqual([]);
  });

  it("lists no block that is gone", () => {
    const keys = new Set(docBlocks(["sh", "bash", "shell"]).map(shellBlockKey));
    expect([...Object.keys(NOT_RUN), ...TOUR_SHELL_BLOCKS].filter((k) => !keys.has(k))).toEqual([]);
  });
});
