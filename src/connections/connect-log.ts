// The landing page's record of Connect redirects: each request token is exchanged once (a claim keyed by its hash,
// never the token), and each connection made through the page keeps who connected it (the Concur admin, and the
// person signed in with the partner's identity provider when CONNECT_SIGN_IN=oidc). Concur lets a request token be
// reused within its 24 h (spec §1); the page does not, because its link is the credential and may be replayed from a
// browser history or a forwarded e-mail. A failed exchange releases its claim, so the customer can simply retry.
import { createHash } from "node:crypto";
import type { SqlDatabase } from "./store/database.js";

const TABLE = "cg_connect_log";

const DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    request_token_hash TEXT PRIMARY KEY,
    company_id TEXT NOT NULL,
    state TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    connected_at BIGINT,
    concur_user_id TEXT,
    signed_in_as TEXT
  )`,
  `CREATE INDEX IF NOT EXISTS ${TABLE}_company ON ${TABLE} (company_id, connected_at)`,
];

/** A claim older than this is from an exchange that never finished (a crashed replica): it may be taken again. */
const STALE_CLAIM_MS = 2 * 60_000;

export type ClaimOutcome =
  | { claimed: true }
  | { claimed: false; state: "CONNECTED"; companyId: string; connectedAt: number }
  | { claimed: false; state: "IN_PROGRESS"; companyId: string };

export interface ConnectedBy {
  /** Concur user UUID of the admin who clicked Connect (the redirect's userId). */
  concurUserId?: string;
  /** The partner-side identity that signed in on the landing page, e.g. `Ana Ruiz <ana@partner.example> (sub 42 at https://id.partner.example)`. */
  signedInAs?: string;
}

export interface ConnectLog {
  /** When the token already connected a company: which and when (a read; nothing is claimed). */
  usedBefore(requestToken: string): Promise<{ companyId: string; connectedAt: number } | undefined>;
  /** Claims a request token for one exchange; tells who had it when it was already used or is being used. */
  claim(requestToken: string, companyId: string): Promise<ClaimOutcome>;
  /** The exchange succeeded: the claim becomes the record of who connected the connection made at `connectedAt`. */
  complete(requestToken: string, connectedAt: number, by: ConnectedBy): Promise<void>;
  /** The exchange failed: the token may be used again (Concur still accepts it within its 24 h). */
  release(requestToken: string): Promise<void>;
  /** Who connected the company's connection made at `connectedAt` through the landing page, if it was. */
  connectedBy(companyId: string, connectedAt: number): Promise<ConnectedBy | undefined>;
}

/** Not the token: a SHA-256 of it (request tokens are random, so no salt is needed to make the hash useless). */
const hashOf = (requestToken: string) => createHash("sha256").update(requestToken, "utf8").digest("hex");

export async function openConnectLog(db: SqlDatabase, now: () => number = Date.now): Promise<ConnectLog> {
  await db.migrate(DDL);
  const SQL = {
    claim: `INSERT INTO ${TABLE} (request_token_hash, company_id, state, claimed_at) VALUES (?, ?, 'CLAIMED', ?)
      ON CONFLICT (request_token_hash) DO UPDATE SET company_id = excluded.company_id, claimed_at = excluded.claimed_at
      WHERE ${TABLE}.state = 'CLAIMED' AND ${TABLE}.claimed_at < ? RETURNING request_token_hash`,
    find: `SELECT company_id, state, connected_at FROM ${TABLE} WHERE request_token_hash = ?`,
    complete: `UPDATE ${TABLE} SET state = 'CONNECTED', connected_at = ?, concur_user_id = ?, signed_in_as = ? WHERE request_token_hash = ?`,
    release: `DELETE FROM ${TABLE} WHERE request_token_hash = ? AND state = 'CLAIMED'`,
    connectedBy: `SELECT concur_user_id, signed_in_as FROM ${TABLE} WHERE company_id = ? AND state = 'CONNECTED' AND connected_at = ?`,
  };
  return {
    async usedBefore(requestToken) {
      const [row] = await db.query<{ company_id: string; state: string; connected_at: number | string | null }>(SQL.find, [hashOf(requestToken)]);
      return row?.state === "CONNECTED" ? { companyId: row.company_id, connectedAt: Number(row.connected_at) } : undefined;
    },
    async claim(requestToken, companyId) {
      const hash = hashOf(requestToken);
      const at = now();
      const rows = await db.query(SQL.claim, [hash, companyId, at, at - STALE_CLAIM_MS]);
      if (rows.length > 0) return { claimed: true };
      const [row] = await db.query<{ company_id: string; state: string; connected_at: number | string | null }>(SQL.find, [hash]);
      // Released between our insert and this read: treat as in progress; the person retries.
      if (!row || row.state !== "CONNECTED") return { claimed: false, state: "IN_PROGRESS", companyId: row?.company_id ?? companyId };
      return { claimed: false, state: "CONNECTED", companyId: row.company_id, connectedAt: Number(row.connected_at) };
    },
    async complete(requestToken, connectedAt, by) {
      await db.execute(SQL.complete, [connectedAt, by.concurUserId ?? null, by.signedInAs ?? null, hashOf(requestToken)]);
    },
    async release(requestToken) {
      await db.execute(SQL.release, [hashOf(requestToken)]);
    },
    async connectedBy(companyId, connectedAt) {
      const [row] = await db.query<{ concur_user_id: string | null; signed_in_as: string | null }>(SQL.connectedBy, [companyId, connectedAt]);
      if (!row) return undefined;
      return { concurUserId: row.concur_user_id ?? undefined, signedInAs: row.signed_in_as ?? undefined };
    },
  };
}
