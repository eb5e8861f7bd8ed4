// The console's bounded history of write requests (src/services/recent-requests.ts): newest first, a final status is
// never replaced by PROCESSING, at most `perCompany` per company, gone after `ttlMs`, companies kept apart.
import { describe, expect, it } from "vitest";
import { RecentRequests } from "../../src/services/recent-requests.js";

const A = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0de";
const B = "5e0a1c1e-7d1b-4c3a-9f00-00000000c0d2";

describe("RecentRequests", () => {
  it("lists newest first with the most advanced status; PROCESSING after a final is ignored", () => {
    let now = 1_000;
    const history = new RecentRequests({ now: () => now });
    history.note({ companyId: A, erpId: "e", requestId: "r1", status: "PROCESSING" });
    now += 10;
    history.note({ companyId: A.toUpperCase(), erpId: "e", requestId: "r2", status: "PROCESSING" });
    now += 10;
    history.note({ companyId: A, erpId: "e", requestId: "r1", status: "PARTIAL" });
    history.note({ companyId: A, erpId: "e", requestId: "r1", status: "PROCESSING" });
    const listed = history.list(A, 10);
    expect(listed.map((r) => [r.requestId, r.status])).toEqual([
      ["r2", "PROCESSING"],
      ["r1", "PARTIAL"],
    ]);
    expect(listed[1]).toMatchObject({ firstSeenAt: 1_000, updatedAt: 1_020 });
    expect(history.list(B, 10)).toEqual([]);
    expect(history.list(A, 1).map((r) => r.requestId)).toEqual(["r2"]);
  });

  it("keeps at most perCompany requests and drops those older than ttlMs", () => {
    let now = 0;
    const history = new RecentRequests({ perCompany: 3, ttlMs: 100, now: () => now });
    for (let i = 1; i <= 5; i++) {
      now = i * 10;
      history.note({ companyId: A, erpId: "e", requestId: `r${i}`, status: "SUCCESS" });
    }
    expect(history.list(A, 10).map((r) => r.requestId)).toEqual(["r5", "r4", "r3"]);
    now = 135; // r3 (seen at 30) is older than 100 ms now
    expect(history.list(A, 10).map((r) => r.requestId)).toEqual(["r5", "r4"]);
  });
});
