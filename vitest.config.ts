import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql ships both ESM and CJS; without this alias vitest can load two copies
    // ("Cannot use GraphQLObjectType from another module or realm").
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/helpers/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests start real servers; keep files parallel but bounded for 2-core machines.
    maxWorkers: 2,
    pool: "forks",
  },
});
