import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.js";
import { waitFor } from "../helpers/wait.js";

const TSX = join(REPO_ROOT, "node_modules/.bin/tsx");

describe("endLogs", () => {
  it("resolves only once stdout's reader has taken every line, so the process's last line is never lost", async () => {
    const child = spawn(TSX, [join(REPO_ROOT, "test/fixtures/logs/log-then-end.ts")], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
    // The reader is slow: stdout is not read until the child has logged everything and asked to end its logs
    // (~1 MB is far more than a pipe holds, so its writes wait for the reader).
    child.stdout.pause();
    await waitFor(async () => {
      // Give the child time to log everything and call endLogs; it must still be waiting on the unread pipe.
      await new Promise((resolve) => setTimeout(resolve, 250));
      return child.stdout.readableLength > 0;
    }, 30_000, "the child's first lines in the pipe");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(stderr).not.toContain("logs ended");
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stdout.resume();
    expect(await closed).toBe(0);
    expect(stderr).toContain("logs ended");
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3_001);
    expect(JSON.parse(lines.at(-1)!).msg).toBe("last line");
  }, 60_000);
});
