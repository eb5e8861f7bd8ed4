/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ConsoleViewer { viewer { kind keyId role companies } }": typeof types.ConsoleViewerDocument,
    "query ConsoleCompanies { companyConnections { companyId state } }": typeof types.ConsoleCompaniesDocument,
    "query ConsoleLists($companyId: ID!) { concurLists(companyId: $companyId) { id name levelCount isReadOnly isManaged } }": typeof types.ConsoleListsDocument,
    "query ConsoleConnections {\n  companyConnections {\n    companyId state geolocation accessTokenExpiresAt refreshTokenExpiresAt lastRefreshAt connectedAt connectedBy\n    lastError { code message at }\n  }\n}": typeof types.ConsoleConnectionsDocument,
    "query ConsoleEdition($companyId: ID!) { companyEdition(companyId: $companyId) { edition postingChannel } }": typeof types.ConsoleEditionDocument,
    "subscription ConsoleConnectionChanged($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state reason } }": typeof types.ConsoleConnectionChangedDocument,
    "mutation ConsoleDisconnect($companyId: ID!) { disconnectCompany(companyId: $companyId) }": typeof types.ConsoleDisconnectDocument,
    "query ConsoleFisCompanies { companyConnections { companyId state } }": typeof types.ConsoleFisCompaniesDocument,
    "query ConsoleFisWalk($companyId: ID!, $docType: FinancialDocType!, $after: String) {\n  financialDocuments(companyId: $companyId, docType: $docType, first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } }\n}": typeof types.ConsoleFisWalkDocument,
    "query ConsoleEventDelivery {\n  eventDelivery { mode reason webhookUrl lastCheckedAt nextCheckAt topics dataCenters { name baseUrl state connectedCompanies error checkedAt } }\n}": typeof types.ConsoleEventDeliveryDocument,
    "query ConsoleApiKeys { apiKeys { keyId name role companies createdAt revokedAt } }": typeof types.ConsoleApiKeysDocument,
    "mutation ConsoleCreateKey($name: String!, $role: CallerRole!, $companies: [ID!]!) {\n  createApiKey(name: $name, role: $role, companies: $companies) { key apiKey { keyId } }\n}": typeof types.ConsoleCreateKeyDocument,
    "mutation ConsoleRevokeKey($keyId: ID!) { revokeApiKey(keyId: $keyId) { keyId revokedAt } }": typeof types.ConsoleRevokeKeyDocument,
    "query ConsoleRequestErps($companyId: ID!) { erpIntegrations(companyId: $companyId) { erpId erpName } }": typeof types.ConsoleRequestErpsDocument,
    "query ConsoleRecentRequests($companyId: ID!) {\n  recentRequests(companyId: $companyId, first: 100) { firstSeenAt updatedAt request { requestId erpId status } }\n}": typeof types.ConsoleRecentRequestsDocument,
    "subscription ConsoleRequestStatus($companyId: ID!) { requestStatusChanged(companyId: $companyId) { requestId erpId status } }": typeof types.ConsoleRequestStatusDocument,
    "query ConsoleRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) {\n  request(companyId: $companyId, erpId: $erpId, requestId: $requestId) {\n    status\n    errors(first: 10, after: $after) {\n      edges { node { objectType errorCode errorMessage values validationErrors { source errorCode errorMessage } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n}": typeof types.ConsoleRequestErrorsDocument,
    "subscription ConsoleSyncProgress($companyId: ID!, $syncId: ID!) {\n  concurListSyncProgress(companyId: $companyId, syncId: $syncId) { syncId phase done total }\n}": typeof types.ConsoleSyncProgressDocument,
    "mutation ConsoleSync($companyId: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID!) {\n  syncConcurList(companyId: $companyId, target: $target, items: $items, dryRun: $dryRun, syncId: $syncId) {\n    syncId dryRun created reactivated updated deleted unchanged failed conflicts bulkCalls\n    errors { operation code message }\n  }\n}": typeof types.ConsoleSyncDocument,
};
const documents: Documents = {
    "query ConsoleViewer { viewer { kind keyId role companies } }": types.ConsoleViewerDocument,
    "query ConsoleCompanies { companyConnections { companyId state } }": types.ConsoleCompaniesDocument,
    "query ConsoleLists($companyId: ID!) { concurLists(companyId: $companyId) { id name levelCount isReadOnly isManaged } }": types.ConsoleListsDocument,
    "query ConsoleConnections {\n  companyConnections {\n    companyId state geolocation accessTokenExpiresAt refreshTokenExpiresAt lastRefreshAt connectedAt connectedBy\n    lastError { code message at }\n  }\n}": types.ConsoleConnectionsDocument,
    "query ConsoleEdition($companyId: ID!) { companyEdition(companyId: $companyId) { edition postingChannel } }": types.ConsoleEditionDocument,
    "subscription ConsoleConnectionChanged($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state reason } }": types.ConsoleConnectionChangedDocument,
    "mutation ConsoleDisconnect($companyId: ID!) { disconnectCompany(companyId: $companyId) }": types.ConsoleDisconnectDocument,
    "query ConsoleFisCompanies { companyConnections { companyId state } }": types.ConsoleFisCompaniesDocument,
    "query ConsoleFisWalk($companyId: ID!, $docType: FinancialDocType!, $after: String) {\n  financialDocuments(companyId: $companyId, docType: $docType, first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } }\n}": types.ConsoleFisWalkDocument,
    "query ConsoleEventDelivery {\n  eventDelivery { mode reason webhookUrl lastCheckedAt nextCheckAt topics dataCenters { name baseUrl state connectedCompanies error checkedAt } }\n}": types.ConsoleEventDeliveryDocument,
    "query ConsoleApiKeys { apiKeys { keyId name role companies createdAt revokedAt } }": types.ConsoleApiKeysDocument,
    "mutation ConsoleCreateKey($name: String!, $role: CallerRole!, $companies: [ID!]!) {\n  createApiKey(name: $name, role: $role, companies: $companies) { key apiKey { keyId } }\n}": types.ConsoleCreateKeyDocument,
    "mutation ConsoleRevokeKey($keyId: ID!) { revokeApiKey(keyId: $keyId) { keyId revokedAt } }": types.ConsoleRevokeKeyDocument,
    "query ConsoleRequestErps($companyId: ID!) { erpIntegrations(companyId: $companyId) { erpId erpName } }": types.ConsoleRequestErpsDocument,
    "query ConsoleRecentRequests($companyId: ID!) {\n  recentRequests(companyId: $companyId, first: 100) { firstSeenAt updatedAt request { requestId erpId status } }\n}": types.ConsoleRecentRequestsDocument,
    "subscription ConsoleRequestStatus($companyId: ID!) { requestStatusChanged(companyId: $companyId) { requestId erpId status } }": types.ConsoleRequestStatusDocument,
    "query ConsoleRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) {\n  request(companyId: $companyId, erpId: $erpId, requestId: $requestId) {\n    status\n    errors(first: 10, after: $after) {\n      edges { node { objectType errorCode errorMessage values validationErrors { source errorCode errorMessage } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n}": types.ConsoleRequestErrorsDocument,
    "subscription ConsoleSyncProgress($companyId: ID!, $syncId: ID!) {\n  concurListSyncProgress(companyId: $companyId, syncId: $syncId) { syncId phase done total }\n}": types.ConsoleSyncProgressDocument,
    "mutation ConsoleSync($companyId: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID!) {\n  syncConcurList(companyId: $companyId, target: $target, items: $items, dryRun: $dryRun, syncId: $syncId) {\n    syncId dryRun created reactivated updated deleted unchanged failed conflicts bulkCalls\n    errors { operation code message }\n  }\n}": types.ConsoleSyncDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleViewer { viewer { kind keyId role companies } }"): typeof import('./graphql').ConsoleViewerDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleCompanies { companyConnections { companyId state } }"): typeof import('./graphql').ConsoleCompaniesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleLists($companyId: ID!) { concurLists(companyId: $companyId) { id name levelCount isReadOnly isManaged } }"): typeof import('./graphql').ConsoleListsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleConnections {\n  companyConnections {\n    companyId state geolocation accessTokenExpiresAt refreshTokenExpiresAt lastRefreshAt connectedAt connectedBy\n    lastError { code message at }\n  }\n}"): typeof import('./graphql').ConsoleConnectionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleEdition($companyId: ID!) { companyEdition(companyId: $companyId) { edition postingChannel } }"): typeof import('./graphql').ConsoleEditionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ConsoleConnectionChanged($companyId: ID!) { companyConnectionChanged(companyId: $companyId) { companyId state reason } }"): typeof import('./graphql').ConsoleConnectionChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleDisconnect($companyId: ID!) { disconnectCompany(companyId: $companyId) }"): typeof import('./graphql').ConsoleDisconnectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleFisCompanies { companyConnections { companyId state } }"): typeof import('./graphql').ConsoleFisCompaniesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleFisWalk($companyId: ID!, $docType: FinancialDocType!, $after: String) {\n  financialDocuments(companyId: $companyId, docType: $docType, first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } }\n}"): typeof import('./graphql').ConsoleFisWalkDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleEventDelivery {\n  eventDelivery { mode reason webhookUrl lastCheckedAt nextCheckAt topics dataCenters { name baseUrl state connectedCompanies error checkedAt } }\n}"): typeof import('./graphql').ConsoleEventDeliveryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleApiKeys { apiKeys { keyId name role companies createdAt revokedAt } }"): typeof import('./graphql').ConsoleApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleCreateKey($name: String!, $role: CallerRole!, $companies: [ID!]!) {\n  createApiKey(name: $name, role: $role, companies: $companies) { key apiKey { keyId } }\n}"): typeof import('./graphql').ConsoleCreateKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleRevokeKey($keyId: ID!) { revokeApiKey(keyId: $keyId) { keyId revokedAt } }"): typeof import('./graphql').ConsoleRevokeKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleRequestErps($companyId: ID!) { erpIntegrations(companyId: $companyId) { erpId erpName } }"): typeof import('./graphql').ConsoleRequestErpsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleRecentRequests($companyId: ID!) {\n  recentRequests(companyId: $companyId, first: 100) { firstSeenAt updatedAt request { requestId erpId status } }\n}"): typeof import('./graphql').ConsoleRecentRequestsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ConsoleRequestStatus($companyId: ID!) { requestStatusChanged(companyId: $companyId) { requestId erpId status } }"): typeof import('./graphql').ConsoleRequestStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ConsoleRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) {\n  request(companyId: $companyId, erpId: $erpId, requestId: $requestId) {\n    status\n    errors(first: 10, after: $after) {\n      edges { node { objectType errorCode errorMessage values validationErrors { source errorCode errorMessage } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n}"): typeof import('./graphql').ConsoleRequestErrorsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ConsoleSyncProgress($companyId: ID!, $syncId: ID!) {\n  concurListSyncProgress(companyId: $companyId, syncId: $syncId) { syncId phase done total }\n}"): typeof import('./graphql').ConsoleSyncProgressDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConsoleSync($companyId: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID!) {\n  syncConcurList(companyId: $companyId, target: $target, items: $items, dryRun: $dryRun, syncId: $syncId) {\n    syncId dryRun created reactivated updated deleted unchanged failed conflicts bulkCalls\n    errors { operation code message }\n  }\n}"): typeof import('./graphql').ConsoleSyncDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
