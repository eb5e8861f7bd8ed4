// The README's five-minute tour and the docs' local shell commands, run as written against the demo stack (managed
// mode, as `npm start` runs it): the shell blocks listed in docs-tour.blocks.ts with only the banner's values filled in
// (the demo key; the gateway's port), and the tour's GraphQL mutation and subscription with the demo's ids.
import { exec } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";
import { docBlocks, shellBlockKey, type DocBlock } from "../helpers/doc-blocks.js";
import { startStack, type Stack } from "../helpers/stack.js";
import { subscribe } from "../helpers/subscriber.js";
import { waitFor } from "../helpers/wait.js";
import { TOUR_SHELL_BLOCKS } from "./docs-tour.blocks.js";

const run = promisify(exec);

function tourBlock(key: string): DocBlock {
  const block = docBlocks(["sh", "bash", "shell"]).find((b) => shellBlockKey(b) === key);
  if (!block) throw new Error(`no shell block ${key}`);
  return block;
}

function graphqlBlock(containing: string): string {
  const block = docBlocks(["graphql"]).find((b) => b.where.startsWith("README.md") && b.code.includes(containing));
  if (!block) throw new Error(`no README GraphQL block with ${containing}`);
  return block.code;
}

describe("the README's tour and the docs' local commands, as written", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ managed: {} });
  });
  afterAll(() => stack?.stop());

  for (const key of TOUR_SHELL_BLOCKS.filter((k) => k.includes("KEY=cg_"))) {
    it(`${key.split(" ")[0]}: the curl of the first query answers the demo's connections and ERPs`, async () => {
      const block = tourBlock(key);
      const [assignments, ...rest] = block.code.split("\n");
      // The block's COMPANY is the demo company: only the key (printed by the banner) is filled in.
      const company = /COMPANY=(\S+)/.exec(assignments)?.[1];
      expect(company).toBe(stack.companyId);
      const script = [`KEY=${stack.token}  COMPANY=${company}`, ...rest].join("\n").replaceAll("http://127.0.0.1:4000", stack.gateway.origin);
      const { stdout } = await run(script, { shell: "/bin/bash", timeout: 60_000 });
      const answer = JSON.parse(stdout) as { data?: { companyConnections: { state: string }[]; erpIntegrations: { erpId: string }[] }; errors?: unknown };
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.companyConnections.map((c) => c.state)).toContain("CONNECTED");
      expect(answer.data?.erpIntegrations.map((e) => e.erpId)).toContain(stack.erpId);
    });
  }

  it("README: the first mutation is answered with its upload, and the first subscription follows it to SUCCESS", async () => {
    const mutation = await stack.graphql(graphqlBlock("mutation FirstVendor"), { companyId: stack.companyId, erpId: stack.erpId });
    expect(mutation.errors).toBeUndefined();
    expect(mutation.data.upsertVendors.sentIds).toEqual(["V-1001"]);
    const requestId = mutation.data.upsertVendors.request.requestId as string;
    const follow = subscribe<{ requestStatusChanged: { requestId: string; status: string } }>(stack.gateway.wsUrl, stack.token, graphqlBlock("subscription Follow"), {
      companyId: stack.companyId,
      erpId: stack.erpId,
      requestId,
    });
    await waitFor(() => follow.errors ?? follow.events.some((e) => e.requestStatusChanged.status === "SUCCESS"), 30_000, "the upload's SUCCESS");
    expect(follow.errors).toBeUndefined();
    expect(follow.events.every((e) => e.requestStatusChanged.requestId === requestId)).toBe(true);
    await follow.close();
  });

  it("docs/loading-erp-data.md: the local dry run of examples/coa.csv plans the four accounts and writes nothing", async () => {
    const block = tourBlock(TOUR_SHELL_BLOCKS.find((k) => k.includes("--dry-run"))!);
    const reportsBefore = new Set(readdirSync(REPO_ROOT).filter((f) => f.startsWith("sync-report-")));
    try {
      const { stdout } = await run(block.code, { cwd: REPO_ROOT, shell: "/bin/bash", timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).toContain("dry run: nothing written");
      expect(stdout).toMatch(/4 valid record\(s\) in examples\/coa\.csv/);
    } finally {
      for (const dir of readdirSync(REPO_ROOT).filter((f) => f.startsWith("sync-report-") && !reportsBefore.has(f))) rmSync(join(REPO_ROOT, dir), { recursive: true, force: true });
    }
  }, 300_000);
});
