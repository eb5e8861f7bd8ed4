import { CodedError, ErrorCode } from "../../errors.js";

/** One parsed upstream page as cached: the `data` array as received (never copied) and the raw `next` href. */
export interface CachedPage<T> {
  items: T[];
  next: string | null;
}

/** Safety net against a `next` chain that never ends. */
export const MAX_PAGES_PER_WALK = 10_000;

export interface FollowOptions {
  /** A `next` link back to a page already read: "throw" (UPSTREAM_ERROR, default) or "stop" quietly. */
  onLoop?: "throw" | "stop";
  maxPages?: number;
}

/**
 * Walks a list page by page along its `next` links, starting at `firstHref`: yields each page with the href it
 * was read from, reads each page at most once per walk, and never follows a link back to a page already read.
 * Stop early by breaking out of the loop; `load` is only called for pages the loop asks for.
 */
export async function* followNextLinks<P extends { next: string | null }>(
  firstHref: string,
  load: (href: string) => Promise<P>,
  options: FollowOptions = {},
): AsyncGenerator<{ href: string; page: P }, void, undefined> {
  const maxPages = options.maxPages ?? MAX_PAGES_PER_WALK;
  const seen = new Set<string>();
  let href = firstHref;
  for (;;) {
    const page = await load(href);
    yield { href, page };
    if (page.next === null) return;
    if (seen.has(page.next) || seen.size >= maxPages) {
      if (options.onLoop === "stop") return;
      throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur returned a next link that loops back to a page already read");
    }
    seen.add(page.next);
    href = page.next;
  }
}
