// The `concur-graph` command as a child process, exactly as a user runs it from a checkout (tsx, src/cli/main.ts).
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const CLI_MAIN = join(REPO_ROOT, "src/cli/main.ts");
const TSX = join(REPO_ROOT, "node_modules/.bin/tsx");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with only `env` (plus PATH) in `cwd`; resolves with its exit code and output, never rejects. */
export function runCli(args: string[], options: { cwd: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      TSX,
      [CLI_MAIN, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? "", ...options.env }, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
