// The release as a user installs it: `npm pack` (the tarball the registry would get), then `npm install -g` of that
// tarball into a throw-away prefix, then the installed `concur-graph` command. Uses the dist/ the suite built
// (scripts/test.sh builds before vitest; packing with --ignore-scripts keeps this test from rewriting dist/ under the
// e2e tests that run it), and the npm cache `npm ci` warmed. The install skips dependencies' install scripts (better-sqlite3
// would compile for minutes on a loaded machine): `--help` needs no native module.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "concur-graph-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack, then npm install -g of the tarball", () => {
  it("installs a concur-graph command that answers --help, with only runtime files and dependencies", async () => {
    if (!existsSync(join(REPO_ROOT, "dist/cli/main.js"))) await run("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: REPO_ROOT });
    const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = info.files.map((f) => f.path);
    expect(paths).toContain("bin/concur-graph");
    expect(paths).toContain("dist/cli/main.js");
    expect(paths).toContain("CHANGELOG.md");
    expect(paths.filter((p) => /^(src|test|bench|scripts|\.ci|data|\.tmp)\//.test(p) || p.endsWith(".env"))).toEqual([]);

    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; private?: boolean };
    expect(manifest.private).toBeUndefined();
    expect(Object.keys(manifest.dependencies).filter((d) => d === "tsx" || d.startsWith("@types/") || d === "vitest" || d === "typescript")).toEqual([]);

    const prefix = join(work, "prefix");
    await run("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error", join(work, info.filename)], {
      cwd: work,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 420_000,
    });
    const help = await run(join(prefix, "bin/concur-graph"), ["--help"], { cwd: work, env: { PATH: process.env.PATH ?? "" } });
    expect(help.stdout).toMatch(/^Usage: concur-graph /);
    expect(help.stdout).toContain("keys");
    expect(help.stdout).toContain("sync");
  }, 480_000);
});
