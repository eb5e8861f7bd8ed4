import { CodedError, ErrorCode } from "../../errors.js";

/**
 * Domains whose hosts may serve an image URL Image v1 hands out (spec §2.1: `imagingupload.concursolutions.com`,
 * `imaginginvoiceupload.concursolutions.com`; the China data center's `concurcdc.cn`). [INFERRED] list: any other host
 * is refused, so an answer can never make the gateway fetch from an arbitrary address.
 */
export const IMAGE_HOST_DOMAINS: readonly string[] = ["concursolutions.com", "concurcdc.cn", "concursolutions.cn"];

/**
 * The image URL of an `<Image>` answer (XML entities already decoded), checked: https on one of
 * {@link IMAGE_HOST_DOMAINS}, or on the company's own base URL origin (the emulator serves its images there). No
 * credentials in it. UPSTREAM_ERROR otherwise. The URL is fetched without the company token (it carries its own
 * signature and is meant for "a separate browser session").
 */
export function checkedImageUrl(raw: string, companyBaseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new CodedError(ErrorCode.UPSTREAM_ERROR, "Concur answered an image URL that is not a URL");
  }
  const sameOrigin = url.origin === new URL(companyBaseUrl).origin;
  const host = url.hostname.toLowerCase();
  const concurHost = url.protocol === "https:" && IMAGE_HOST_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
  if ((!sameOrigin && !concurHost) || url.username || url.password) {
    throw new CodedError(ErrorCode.UPSTREAM_ERROR, `Concur answered an image URL on a host the gateway does not fetch from (${url.protocol}//${host})`);
  }
  return url;
}
