import { authenticated } from "../core/guards.js";
import type { CoreContext } from "../core/context.js";
import { ErrorCode, HttpError, httpStatusText } from "../core/errors.js";
import type { Reply, RequestContext } from "../core/http.js";
import type { Handler } from "../core/router.js";
import type { TokenGrant } from "../core/auth.js";
import type { ListErrorBody } from "./types.js";

/** Error ids of the list APIs (spec §3). Ids marked [INFERRED] are ours where the docs name none. */
export const ListErrorId = {
  ListNotFound: "list.not.found",
  ListDeleted: "list.deleted",
  ListManaged: "list.is.managed",
  ItemNotFound: "item.not.found",
  ItemDeleted: "item.deleted",
  DuplicateCode: "item.duplicate.code",
  DuplicateCodeDeleted: "item.duplicate.code.deleted",
  ParentNotFound: "item.parent.not.found",
  ParentDeleted: "item.parent.deleted",
  ListNotMatchParent: "item.list.id.not.match.parent",
  MaxLevelExceeded: "item.max.level.exceeded",
  DuplicateShared: "item.duplicate.item.shared",
  Validation: "request.validation.error",
  RateLimited: "security.rate.limit.reached",
  /** [INFERRED] 400 "company does not exist" of L1. */
  CompanyNotFound: "company.not.found",
  /** [INFERRED] category lookup of L3. */
  CategoryNotFound: "category.not.found",
} as const;

/** Failure of one bulk part or single-item call: the documented id and a message. */
export class ListError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly validationErrors?: { source: string; message: string }[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ListError";
  }
}

export const listBadRequest = (id: string, message: string, validationErrors?: { source: string; message: string }[]) =>
  new ListError(400, id, message, validationErrors);

export const validation = (source: string, message: string) =>
  new ListError(400, ListErrorId.Validation, "Validation failed", [{ source, message }]);

/** The list APIs' error body (spec §1 "Error body"). */
export function listErrorReply(err: ListError, path: string, nowMs: number): Reply {
  const body: ListErrorBody = {
    timestamp: new Date(nowMs).toISOString(),
    httpStatus: httpStatusText(err.status),
    error: { id: err.id, message: err.message },
    path,
  };
  if (err.validationErrors?.length) body.validationErrors = err.validationErrors;
  return { status: err.status, body, headers: err.headers };
}

export type ListHandler = (req: RequestContext, grant: TokenGrant) => Promise<Reply>;

/**
 * The list APIs' guard: 401 (token) → 403 (none of `scopes`) → handler; every failure, the shared edge's included,
 * answered in the list APIs' error body (`error: {id, message}`, not Accounting's `errorCode`). The company is the
 * token's: list paths carry no company id.
 */
export function listRoute(ctx: CoreContext, scopes: readonly string[], handler: ListHandler): Handler {
  const inner = authenticated(ctx, async (req, grant) => {
    if (!scopes.some((s) => grant.scopes.includes(s))) {
      throw new ListError(403, "scope.insufficient", `Token lacks one of the scopes ${scopes.join(", ")}`);
    }
    return handler(req, grant);
  });
  return async (req) => {
    try {
      return await inner(req);
    } catch (err) {
      if (err instanceof ListError) return listErrorReply(err, req.path, ctx.now());
      if (err instanceof HttpError) {
        const id = err.status === 401 ? "invalid.token" : err.errorCode;
        return listErrorReply(new ListError(err.status, id, err.message, err.validationErrors?.map((v) => ({ source: v.source, message: v.errorMessage })), err.headers), req.path, ctx.now());
      }
      return listErrorReply(new ListError(500, ErrorCode.Internal, "Internal server error"), req.path, ctx.now());
    }
  };
}
