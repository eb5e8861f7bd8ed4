// Bench child: the baseline. A bare pass-through proxy (node:http + one undici Pool) that forwards
// GET requests to the upstream with the caller's Authorization header and pipes the body back.
// Env: BENCH_UPSTREAM (required), BENCH_PROXY_CONNECTIONS (default 64).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pipeline } from "node:stream";
import { Pool } from "undici";

// Env BENCH_UPSTREAM may list several base URLs (comma-separated, e.g. one per data center): a request names the one it
// goes to by index in the header x-bench-upstream (default the first).
const upstream = process.env.BENCH_UPSTREAM;
if (!upstream) throw new Error("BENCH_UPSTREAM is required");
const pools = upstream.split(",").map((url) => new Pool(url, { connections: Number(process.env.BENCH_PROXY_CONNECTIONS ?? 64) }));

const server = createServer((req, res) => {
  if (req.method !== "GET") {
    res.writeHead(405).end();
    return;
  }
  const headers: Record<string, string> = {};
  if (req.headers.authorization) headers.authorization = req.headers.authorization;
  const pool = pools[Number(req.headers["x-bench-upstream"] ?? 0)] ?? pools[0];
  pool.request({ path: req.url ?? "/", method: "GET", headers }).then(
    (up) => {
      const out: Record<string, string> = {};
      const type = up.headers["content-type"];
      if (typeof type === "string") out["content-type"] = type;
      res.writeHead(up.statusCode, out);
      pipeline(up.body, res, () => {});
    },
    () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`BENCH_READY ${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  void Promise.all(pools.map((pool) => pool.close())).finally(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
