// vitest setupFiles: runs in every test file before its tests.
import "reflect-metadata";
import { afterAll, afterEach, beforeEach } from "vitest";
import { drainCleanups, markTestScope } from "./cleanup.js";

// Root-level hooks: this beforeEach runs before a file's own, this afterEach after a file's own (vitest runs
// after-hooks innermost first), so a test's own cleanup code still finds its resources open.
beforeEach(() => markTestScope(true));
afterEach(async () => {
  markTestScope(false);
  await drainCleanups("test");
});
// After the file's own afterAll hooks: whatever a beforeAll started and nobody stopped.
afterAll(() => drainCleanups("file"));
