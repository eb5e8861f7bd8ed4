// Small helpers against the bench emulator: its admin API and direct page walks.
import { request } from "undici";

export async function admin(emulatorUrl: string, method: "GET" | "PUT" | "POST", path: string, body?: unknown): Promise<any> {
  const res = await request(`${emulatorUrl}/_emulator${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`emulator admin ${method} ${path} -> ${res.statusCode}: ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Sum of counted upstream calls whose "<METHOD> <template>" key starts with `prefix` (all statuses unless given). */
export function sumCounters(counters: Record<string, Record<string, number>>, prefix: string, status?: string): number {
  let sum = 0;
  for (const [route, byStatus] of Object.entries(counters)) {
    if (!route.startsWith(prefix)) continue;
    for (const [code, n] of Object.entries(byStatus)) if (status === undefined || code === status) sum += n;
  }
  return sum;
}

export interface UpstreamPage {
  /** Path + query on the emulator (what the proxy is asked for). */
  path: string;
  records: number;
  bytes: number;
}

/** Walks the first `max` upstream pages of an object type by following `links.next`. */
export async function walkUpstreamPages(emulatorUrl: string, token: string, firstPath: string, max: number): Promise<UpstreamPage[]> {
  const pages: UpstreamPage[] = [];
  let path: string | undefined = firstPath;
  while (path && pages.length < max) {
    const res = await request(`${emulatorUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`GET ${path} -> ${res.statusCode}: ${text.slice(0, 200)}`);
    const json = JSON.parse(text) as { data: unknown[]; links?: { next?: { href?: string } } };
    pages.push({ path, records: json.data.length, bytes: Buffer.byteLength(text) });
    const href = json.links?.next?.href;
    path = href ? (({ pathname, search }) => pathname + search)(new URL(href, emulatorUrl)) : undefined;
  }
  return pages;
}
