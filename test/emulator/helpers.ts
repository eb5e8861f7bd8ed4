import { generateKeyPairSync } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { createEmulator, type EmulatorOptions } from "../../src/emulator/index.js";

let sharedKeyPem: string | undefined;
/** One RSA key per test file: generating 2048-bit keys per emulator is the slowest part of start-up. */
export function testKeyPem(): string {
  sharedKeyPem ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return sharedKeyPem;
}

export { waitFor } from "../helpers/wait.js";
export { waitForFinal } from "../helpers/requests.js";

/** A controllable clock for rate limits and retention. */
export function fakeClock(start = Date.parse("2026-01-15T10:00:00.000Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience over arbitrary JSON
  json: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** One HTTP call against the emulator; JSON bodies in and out. */
export async function call(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await request(`${baseUrl}${path}`, { method: method as "GET", headers, body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, text, json };
}

/** An emulator plus a company, a registered ERP and a read+write token, ready for conformance tests. */
export async function startWithErp(options: EmulatorOptions = {}) {
  const emu = await createEmulator({ port: 0, processingDelayMs: 5, privateKeyPem: testKeyPem(), ...options });
  const { json: company } = await call(emu.url, "POST", "/_emulator/companies", { body: {} });
  const companyId: string = company.companyId;
  const { json: erp } = await call(emu.url, "POST", `/_emulator/companies/${companyId}/register-erp`, { body: {} });
  const erpId: string = erp.erpId;
  const token = emu.issueToken(companyId);
  const base = `/accountingintegration/v4/companies/${companyId}/erps/${erpId}`;
  return { emu, companyId, erpId, token, base };
}

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: any;
  status: number;
}

/** A local webhook subscriber; `statuses` are answered in order (the last one repeats). */
export async function startReceiver(statuses: number[] = [200]) {
  const received: ReceivedHook[] = [];
  let i = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = statuses[Math.min(i++, statuses.length - 1)];
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw, event: JSON.parse(raw.toString("utf8")), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
