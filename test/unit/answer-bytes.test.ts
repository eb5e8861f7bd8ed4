import { describe, expect, it } from "vitest";
import { answerBytes } from "../../src/http/answer-bytes.js";

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
