import type { Reply, RequestContext } from "./http.js";

/** concur = the Concur API (auth, faults, counters); oauth = token endpoint (counters); admin = /_emulator. */
export type RouteKind = "concur" | "oauth" | "admin";

export type Handler = (ctx: RequestContext) => Promise<Reply>;

export interface Route {
  method: string;
  /** e.g. /accountingintegration/v4/companies/{companyId}/erps — also the counters key. */
  template: string;
  kind: RouteKind;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

/** A tiny template router: `{name}` matches one path segment. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(route: Route): void {
    const names: string[] = [];
    const pattern = route.template
      .split("/")
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        names.push(m[1]);
        return "([^/]+)";
      })
      .join("/");
    this.routes.push({ ...route, regex: new RegExp(`^${pattern}/?$`), names });
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        allowed.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => {
        params[n] = safeDecode(m[i + 1]);
      });
      return { kind: "found", route: r, params };
    }
    return allowed.length > 0 ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
