import { describe, expect, it } from "vitest";
import { answerByteLength, answerBytes, serializeAnswer } from "../../src/http/answer-bytes.js";

describe("answerBytes", () => {
  it("gives the UTF-8 bytes of an ASCII answer", () => {
    const text = JSON.stringify({ data: { accounts: Array.from({ length: 50 }, (_, i) => ({ id: `ACC-${i}`, name: "Cash" })) } });
    const bytes = answerBytes(text);
    expect(bytes.equals(Buffer.from(text, "utf8"))).toBe(true);
    expect(bytes.toString("utf8")).toBe(text);
  });

  it.each([
    ["Latin-1 characters", "Café Müller"],
    ["characters past Latin-1", "Büro — €1 ✓"],
    ["characters outside the BMP", "receipt 🧾"],
  ])("gives the UTF-8 bytes of an answer with %s", (_label, name) => {
    const text = JSON.stringify({ data: { account: { name } } });
    const bytes = answerBytes(text);
    expect(bytes.equals(Buffer.from(text, "utf8"))).toBe(true);
    expect(bytes.length).toBe(Buffer.byteLength(text));
    expect(JSON.parse(bytes.toString("utf8")).data.account.name).toBe(name);
  });
});

describe("serializeAnswer", () => {
  const bytesOf = (body: ReturnType<typeof serializeAnswer>) =>
    typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.isBuffer(body) ? body : Buffer.concat(body as Buffer[]);
  const edges = (n: number, name: (i: number) => string = (i) => `Account ${i}`) =>
    Array.from({ length: n }, (_, i) => ({ cursor: `eyJ2IjoyLCJrIjoi${i}`, node: { id: `ACC-${i}`, name: name(i), number: i % 7 ? `${4000 + i}` : null, type: i % 3 ? "EXPENSE" : "ASSET" } }));

  it.each([
    ["a small answer", { data: { erpIntegration: { accounts: { edges: edges(100), pageInfo: { hasNextPage: true, endCursor: "x" } } } } }],
    ["a 5,000-edge answer", { data: { erpIntegration: { accounts: { edges: edges(5000), pageInfo: { hasNextPage: false, endCursor: null } } } } }],
    ["two long lists side by side, members left out and nulls", { data: { a: { edges: edges(700) }, skipped: undefined, fn: () => 1, b: null, c: { edges: edges(300), n: 1.5, t: true } } }],
    ["non-ASCII names in a long list", { data: { accounts: { edges: edges(2000, (i) => (i % 97 ? `Büro — €${i} 🧾` : `Café ${i}`)) } } }],
    ["long arrays of scalars, holes and undefined", { data: { ids: Array.from({ length: 1000 }, (_, i) => (i % 5 ? i : undefined)), sparse: new Array(600), nested: [[...Array(300).keys()]] } }],
    ["values with toJSON (dates) and null prototypes", { data: Object.assign(Object.create(null), { when: new Date(0), list: Array.from({ length: 400 }, (_, i) => ({ at: new Date(i * 1000), n: i })) }) }],
    ["errors beside data", { errors: [{ message: "x", path: ["a", 1], extensions: { code: "NOT_FOUND" } }], data: { a: edges(1000) } }],
  ])("gives the bytes of JSON.stringify for %s", (_label, value) => {
    const body = serializeAnswer(value);
    expect(bytesOf(body).equals(Buffer.from(JSON.stringify(value), "utf8"))).toBe(true);
    expect(answerByteLength(body)).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it("answers a small answer as its text and a large one in byte chunks below the mmap threshold", () => {
    expect(serializeAnswer({ data: { accounts: { edges: edges(100) } } })).toBe(JSON.stringify({ data: { accounts: { edges: edges(100) } } }));
    const big = serializeAnswer({ data: { accounts: { edges: edges(5000) } } });
    expect(Array.isArray(big)).toBe(true);
    for (const chunk of big as Buffer[]) expect(chunk.length).toBeLessThan(128 * 1024);
  });
});
