// Which answers mean "Concur refused the access token" (managed mode renews the company's token once and sends the
// call again). Every current API answers 401. The legacy v3 Invoice APIs document 403 instead: "401 means no
// Authorization header. 403 means the token failed validation or expired, or the company has not granted the app"
// (invoice-vendors-v3.md §1 [HTTP]; purchase-orders.md §1 points there). Image v1 is not listed: its docs give 401 and
// 403 separately and a 403 is "image access denied" (images.md §2.1, Q8), so only its 401 renews.

/** Paths whose API signals an expired or invalid token with 403 (Vendor v3.1, Purchase Order and Receipt v3.0). */
const EXPIRY_WITH_403 = /^\/api\/v3\.\d+\/invoice\//i;

/**
 * 401 or 403 when `status` on this URL may mean the token expired (a renewal may help), else undefined. A 403 on an
 * API outside the table is a scope or permission answer and is never renewed.
 */
export function tokenRefusal(status: number, url: string): 401 | 403 | undefined {
  if (status === 401) return 401;
  if (status !== 403) return undefined;
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // a path already
  }
  return EXPIRY_WITH_403.test(pathname) ? 403 : undefined;
}
