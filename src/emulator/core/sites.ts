/**
 * Where the emulator listens: one base URL per emulated data center, plus the GLZ token host. Every site serves
 * the same routes; what a site accepts depends on where the caller's company lives (core/geolocation.ts).
 */
export interface Site {
  /** e.g. "us2", "eu2", "glz". */
  name: string;
  kind: "dataCenter" | "glz";
  /** Base URL (scheme + host + port), set once the site listens. */
  url: string;
}

/** The name the GLZ token host answers to. */
export const GLZ = "glz";
/** Default data centers: Concur's current US and EU production hosts (base-uris, 2025-10). */
export const DEFAULT_DATA_CENTERS: readonly string[] = ["us2", "eu2"];
