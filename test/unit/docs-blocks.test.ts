// Every GraphQL block of the README and docs/ is a valid document of the gateway's schema (schema.graphql), and
// every shell block is either run as written by test/e2e/docs-tour.test.ts or listed here with why it cannot run on
// a machine without the real Concur; a new block fails this test until it is one or the other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";
import { docBlocks, shellBlockKey } from "../helpers/doc-blocks.js";
import { TOUR_SHELL_BLOCKS } from "../e2e/docs-tour.blocks.js";

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
