import { badInput } from "../../errors.js";

/**
 * Normalises a Concur `geolocation` to `scheme://host[:port]`, lower-case, without path, query or trailing slash.
 * Concur documents one example with a bogus `/oauth2/v0/token` suffix, and the token endpoint's base URI is the
 * base for every later call, so only the origin is kept. A bare host gets `https://`. `http:` stays allowed for
 * the emulator and local tests.
 *
 * @throws CodedError `BAD_USER_INPUT` when the value is not an http(s) origin (or carries credentials)
 */
export function normaliseGeolocation(raw: string): string {
  const value = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badInput(`geolocation ${JSON.stringify(raw)} is not a URL: expected for example https://us2.api.concursolutions.com.`, { field: "geolocation" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw badInput(`geolocation ${JSON.stringify(raw)} must use https:.`, { field: "geolocation" });
  }
  if (url.username || url.password) throw badInput("geolocation must not contain credentials.", { field: "geolocation" });
  if (!url.hostname) throw badInput(`geolocation ${JSON.stringify(raw)} has no host.`, { field: "geolocation" });
  return url.origin;
}
