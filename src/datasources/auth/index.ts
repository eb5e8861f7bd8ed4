// Company tokens (Quick Connect): the token endpoint client and geolocation rules.
export { createTokenClient, TokenEndpointError, TOKEN_PATH, CONNECTIONS_PATH, type CompanyTokenGrant, type TokenClient, type TokenClientOptions, type TokenFailureKind } from "./token-client.js";
export { normaliseGeolocation } from "./geolocation.js";
