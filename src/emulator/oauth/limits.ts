/** Token lifetimes (docs/emulator/oauth-company-tokens.md), in one place so a change is a one-line edit. */
export const OAUTH_LIMITS = {
  /** Access tokens from the token endpoint live one hour (expires_in "3600"). */
  accessTokenTtlSec: 3_600,
  /** Refresh tokens live about six months, sliding: every refresh moves the expiry this far ahead. */
  refreshTokenTtlSec: 180 * 24 * 3_600,
  /** Company request tokens live 24 h and can be reused within that time. */
  requestTokenTtlSec: 24 * 3_600,
} as const;
