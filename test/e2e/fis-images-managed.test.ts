// Images for posting in managed mode: Image v1 is called with the company's stored token (the caller sends the
// gateway's API key), the download URL is authorized again when fetched (an API key of another company: 403 before
// any upstream call), and the bytes are the emulator's.
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_ROUTES } from "../../src/emulator/images/index.js";
import { createApiKey, startStack, sumCalls, type Stack } from "../helpers/stack.js";

const IMAGE = /* GraphQL */ `
  query Image($companyId: ID!, $id: ID!) { financialImage(companyId: $companyId, of: REPORT, id: $id) { contentType size servedBy download { url } } }
`;

let stack: Stack;
let readA: string;
let readB: string;

beforeAll(async () => {
  stack = await startStack({ managed: {} });
  readA = await createApiKey(stack, "read", [stack.companyId]);
  readB = await createApiKey(stack, "read", [stack.secondCompanyId]);
}, 90_000);
afterAll(() => stack?.stop());

const get = async (url: string, key: string) => {
  const res = await request(url, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.statusCode, data: Buffer.from(await res.body.arrayBuffer()) };
};

describe("images in managed mode", () => {
  it("uses the company's connection; a URL fetched with another company's API key is refused before any upstream call", async () => {
    const { ids } = await stack.admin("POST", `/fis/companies/${stack.companyId}/documents`, { docType: "expense", count: 1, events: false });
    const reportId = (await stack.admin("GET", `/fis/documents/${ids[0]}`)).document.report.reportId;
    const emulatorCopy = await request(`${stack.emulator.url}/_emulator/images/companies/${stack.companyId}/report/${reportId}`);
    const expected = Buffer.from(await emulatorCopy.body.arrayBuffer());

    const asked = await stack.graphql(IMAGE, { companyId: stack.companyId, id: reportId }, readA);
    expect(asked.errors).toBeUndefined();
    expect(asked.data.financialImage).toMatchObject({ contentType: "application/pdf", size: expected.length, servedBy: "REPORT" });
    const { url } = asked.data.financialImage.download;

    // Company B's key may not read company A: refused by the gateway, Concur never asked.
    const refusedQuery = await stack.graphql(IMAGE, { companyId: stack.companyId, id: reportId }, readB);
    expect(refusedQuery.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await stack.resetCounters();
    const refused = await get(url, readB);
    expect(refused.status).toBe(403);
    const counters = await stack.counters();
    expect(Object.keys(counters)).toEqual([]);

    const ok = await get(url, readA);
    expect(ok.status).toBe(200);
    expect(ok.data.equals(expected)).toBe(true);
    expect(sumCalls(await stack.counters(), `GET ${IMAGE_ROUTES.image}`, "200")).toBe(1);
  }, 90_000);
});
