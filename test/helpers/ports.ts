// Free TCP ports for servers that cannot listen on port 0 themselves (redis-server wants its port up front).
import { createServer } from "node:net";

/** A loopback port that was free a moment ago: the OS picks it for a throwaway listener, which is closed again. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
