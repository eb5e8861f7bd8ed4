/** The gateway's own callers: roles, API keys (stored hashed) and JWTs (remote JWKS), and one authenticator. */
export { API_KEY_PREFIX, apiKeyIdOf, openApiKeyStore, type ApiKeyRecord, type ApiKeyStore, type ApiKeyStoreOptions, type CreateApiKeyInput } from "./api-keys.js";
export { createCallerAuthenticator, type CallerAuthenticator, type CallerAuthenticatorOptions, type CallerCredentials } from "./authenticate.js";
export { assertCanAct, canAct, describeCaller, parseCompanies, parseRole, roleAtLeast, ROLES, type CallerIdentity, type Role } from "./identity.js";
export { createJwtVerifier, roleFromClaim, type JwtVerifier, type JwtVerifierOptions } from "./jwt.js";
