import { LISTS_LIMITS } from "./limits.js";
import { validation } from "./errors.js";
import type { PagedBody } from "./types.js";

/** `field=<op>:<value>` filter operators (spec §3.1, §3.2). */
type TextOp = "eq" | "not" | "sw" | "ew" | "cp";
type NumberOp = "eq" | "not" | "gt" | "gte" | "lt" | "lte";
const TEXT_OPS: readonly string[] = ["eq", "not", "sw", "ew", "cp"];
const NUMBER_OPS: readonly string[] = ["eq", "not", "gt", "gte", "lt", "lte"];

/** A text filter; [INFERRED Q2] case-sensitive. */
export function textFilter(query: URLSearchParams, name: string): ((text: string) => boolean) | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const { op, value } = split(raw, TEXT_OPS, name);
  switch (op as TextOp) {
    case "eq":
      return (t) => t === value;
    case "not":
      return (t) => t !== value;
    case "sw":
      return (t) => t.startsWith(value);
    case "ew":
      return (t) => t.endsWith(value);
    default:
      return (t) => t.includes(value);
  }
}

export function numberFilter(query: URLSearchParams, name: string): ((n: number) => boolean) | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const { op, value } = split(raw, NUMBER_OPS, name);
  const n = Number(value);
  if (!Number.isFinite(n)) throw validation(name, `must be a number, got ${value}`);
  switch (op as NumberOp) {
    case "eq":
      return (x) => x === n;
    case "not":
      return (x) => x !== n;
    case "gt":
      return (x) => x > n;
    case "gte":
      return (x) => x >= n;
    case "lt":
      return (x) => x < n;
    default:
      return (x) => x <= n;
  }
}

export function booleanParam(query: URLSearchParams, name: string): boolean | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const value = raw.startsWith("eq:") ? raw.slice(3) : raw;
  if (value !== "true" && value !== "false") throw validation(name, `must be true or false, got ${raw}`);
  return value === "true";
}

function split(raw: string, ops: readonly string[], name: string): { op: string; value: string } {
  const colon = raw.indexOf(":");
  if (colon > 0 && ops.includes(raw.slice(0, colon))) return { op: raw.slice(0, colon), value: raw.slice(colon + 1) };
  if (colon > 0 && /^[a-z]{2,3}$/.test(raw.slice(0, colon))) throw validation(name, `unknown operator ${raw.slice(0, colon)}; use one of ${ops.join(", ")}`);
  return { op: "eq", value: raw };
}

/** `sortBy` / `sortDirection`: the allowed keys and the default (spec §3.1, §3.2). */
export function sortOf<K extends string>(query: URLSearchParams, keys: readonly K[], fallback: K): { key: K; desc: boolean } {
  const key = (query.get("sortBy") ?? fallback) as K;
  if (!keys.includes(key)) throw validation("sortBy", `must be one of ${keys.join(", ")}`);
  const dir = (query.get("sortDirection") ?? "asc").toLowerCase();
  if (dir !== "asc" && dir !== "desc") throw validation("sortDirection", "must be asc or desc");
  return { key, desc: dir === "desc" };
}

/** 1-based page of fixed size 100 (spec §1 Paging); past the last page: empty content [INFERRED]. */
export function pageOf<T>(all: T[], query: URLSearchParams, path: string): PagedBody<T> {
  const raw = query.get("page") ?? "1";
  const number = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(number) || number < 1) throw validation("page", `must be an integer ≥ 1, got ${raw}`);
  const size = LISTS_LIMITS.listPageSize;
  const totalPages = Math.ceil(all.length / size);
  const content = all.slice((number - 1) * size, number * size);
  // [INFERRED Q6] rel names are not shown in the docs (links are empty in every example): Spring-style
  // first/prev/next/last, only when there is more than one page.
  const links: { rel: string; href: string }[] = [];
  if (totalPages > 1) {
    const href = (n: number) => {
      const q = new URLSearchParams(query);
      q.set("page", String(n));
      return `${path}?${q.toString()}`;
    };
    links.push({ rel: "first", href: href(1) });
    if (number > 1) links.push({ rel: "prev", href: href(Math.min(number - 1, totalPages)) });
    if (number < totalPages) links.push({ rel: "next", href: href(number + 1) });
    links.push({ rel: "last", href: href(totalPages) });
  }
  return { links, content, page: { size, totalElements: all.length, totalPages, number } };
}

/** Sorts by `text` (then id, so pages are stable). */
export function sortBy<T extends { id: string }>(items: T[], text: (item: T) => string | number, desc: boolean): T[] {
  return items.sort((a, b) => {
    const x = text(a);
    const y = text(b);
    const c = x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return desc ? -c : c;
  });
}
