// The GraphiQL page handler over real HTTP (a bare express app on a free port) with a stand-in bundle: the settings
// block carries the query and headers as JSON that survives a `</script>` inside them, the page has its CSP, and a
// missing bundle answers 503 saying how to build it. The real bundle in a browser: test/e2e/graphiql.test.ts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { GRAPHIQL_CSP, graphiqlAssets, graphiqlPage, GRAPHIQL_ASSET_PATH } from "../../src/http/graphiql.js";

const work = mkdtempSync(join(tmpdir(), "graphiql-page-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function serve(bundleDir: string, defaults: Parameters<typeof graphiqlPage>[1]): Promise<{ origin: string; close: () => Promise<void> }> {
  const app = express();
  app.use(GRAPHIQL_ASSET_PATH, graphiqlAssets(bundleDir));
  app.get("/graphql", graphiqlPage("/graphql", defaults, bundleDir));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("GraphiQL page", () => {
  it("writes the settings as a JSON data block (a </script> inside stays data) and sends the CSP", async () => {
    const bundle = join(work, "built");
    mkdirSync(join(bundle, "assets"), { recursive: true });
    writeFileSync(join(bundle, "index.html"), '<!doctype html><html><head><script type="module" src="/graphiql-assets/assets/index-x.js"></script></head><body></body></html>');
    writeFileSync(join(bundle, "assets", "index-x.js"), "export {};");
    const query = '# </script><script>alert("x")</script>\n{ __typename }';
    const headers = { Authorization: "Bearer </script>" };
    const server = await serve(bundle, { query, headers });
    try {
      const page = await request(`${server.origin}/graphql`);
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-security-policy"]).toBe(GRAPHIQL_CSP);
      expect(GRAPHIQL_CSP).toContain("script-src 'self'");
      expect(GRAPHIQL_CSP).not.toContain("unsafe-eval");
      const html = await page.body.text();
      const block = /<script type="application\/json" id="graphiql-settings">(.*?)<\/script>/s.exec(html);
      expect(block).not.toBeNull();
      expect(block![1]).not.toContain("<");
      expect(JSON.parse(block![1])).toEqual({ graphqlPath: "/graphql", query, headers });
      // The block sits in <head>, before the bundle's module script runs (modules run after parsing).
      expect(html.indexOf("graphiql-settings")).toBeLessThan(html.indexOf("</head>"));

      const asset = await request(`${server.origin}${GRAPHIQL_ASSET_PATH}/assets/index-x.js`);
      expect(asset.statusCode).toBe(200);
      expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      await asset.body.dump();
    } finally {
      await server.close();
    }
  });

  it("answers 503 with how to build it when the bundle is missing", async () => {
    const server = await serve(join(work, "never-built"), {});
    try {
      const page = await request(`${server.origin}/graphql`);
      expect(page.statusCode).toBe(503);
      expect(await page.body.text()).toContain("npm run build:graphiql");
    } finally {
      await server.close();
    }
  });
});
