// The source tree's import graph has no cycle (imports flow one way: entry -> gateway -> http, schema, resolvers,
// services, subscriptions -> datasources -> errors, config), checked with madge over the TypeScript sources.
import { join } from "node:path";
import madge from "madge";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

describe("src/ import graph", () => {
  it("has no cycle", async () => {
    const graph = await madge(join(REPO_ROOT, "src"), { fileExtensions: ["ts", "tsx"], tsConfig: join(REPO_ROOT, "tsconfig.json") });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(300);
    expect(graph.circular()).toEqual([]);
  }, 120_000);
});
