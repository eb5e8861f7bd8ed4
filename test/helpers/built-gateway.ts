// The built gateway (dist/index.js) that e2e tests run as production does, with plain node.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./cli.js";

export const BUILT_ENTRY = join(REPO_ROOT, "dist", "index.js");

/** Newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return max;
}

/** Whether dist/ exists and is no older than src/. */
export function builtIsFresh(): boolean {
  return existsSync(BUILT_ENTRY) && statSync(BUILT_ENTRY).mtimeMs >= newest(join(REPO_ROOT, "src"));
}

/** `npm test` builds first (scripts/test.sh); a lone `vitest run` builds here when dist/ is missing or older than src/. */
export function ensureBuilt(): void {
  if (builtIsFresh()) return;
  const tsc = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`build failed:\n${tsc.stdout}\n${tsc.stderr}`);
}
