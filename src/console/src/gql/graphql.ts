/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** READ: queries and subscriptions. WRITE: also mutations. ADMIN: also connecting companies and managing API keys. */
export type CallerRole =
  | 'ADMIN'
  | 'READ'
  | 'WRITE';

/** Concur Expense edition: decides the file-based posting path. */
export type ConcurEdition =
  /** Professional Edition (Profile marketingName CTE / Enterprise): post with Extracts. */
  | 'PROFESSIONAL'
  /** Standard Edition: post by closing Payment Manager batches. */
  | 'STANDARD'
  /** No source told the edition (no Accounting mappings, Profile v1 off, failing or silent): ask the customer's admin. */
  | 'UNKNOWN';

/** The Concur list to sync: by its id, or by an ERP list id through the ERP's list mappings. */
export type ConcurListSyncTarget = {
  /** Concur list UUID. */
  concurListId?: string | null | undefined;
  /** ERP integration UUID whose mappings map erpListId (with erpListId). */
  erpId?: string | null | undefined;
  /** ERP list id (a ListName id) mapped to a Concur list (with erpId). */
  erpListId?: string | null | undefined;
};

/** CONNECTED: the gateway holds a working refresh token. NEEDS_RECONNECT: Concur refused it (expired, revoked, app disabled): a Concur admin of the company must click Connect again. DISCONNECTED: ended on purpose. */
export type ConnectionState =
  | 'CONNECTED'
  | 'DISCONNECTED'
  | 'NEEDS_RECONNECT';

/** One item of the ERP's tree: its path of short codes from level 1, and its value. */
export type ErpListItemInput = {
  /** Short codes from the top level down to this item, e.g. ["R01", "D03"]; no hyphens. Every prefix must be an item too. */
  path: Array<string>;
  /** Display text (no hyphens). */
  value: string;
};

/** PENDING: not checked yet. SUBSCRIBED: every topic's subscription is in place. FAILED: see error; that data center's companies are polled. */
export type EssDataCenterState =
  | 'FAILED'
  | 'PENDING'
  | 'SUBSCRIBED';

/** ESS: the gateway's ESS subscriptions are in place in every data center where a connected company lives (events are pushed; polling only reconciles). POLLING: the gateway manages the subscriptions but some or all could not be made (see reason): those companies' request statuses and FIS documents arrive by polling. UNMANAGED: the gateway does not manage subscriptions (ESS_MANAGE off, no PUBLIC_URL, or passthrough mode): events arrive only if someone subscribed the webhook by hand. */
export type EventDeliveryMode =
  | 'ESS'
  | 'POLLING'
  | 'UNMANAGED';

/** Kind of financial document FIS hands to the ERP. One doc type per call. */
export type FinancialDocType =
  /** Cash advance (FIS `cashadvance`). */
  | 'CASH_ADVANCE'
  /** Expense report (FIS `expense`); the only doc type with payment confirmations. */
  | 'EXPENSE'
  /** Invoice / payment request (FIS `invoice`). */
  | 'INVOICE'
  /** Expense paid through payroll (FIS `payroll`). */
  | 'PAYROLL'
  /** Funds reservation of a report (FIS `reportobligation`): readable only; FIS lists no acknowledgement or confirmation for it. */
  | 'REPORT_OBLIGATION'
  /** Funds reservation of a travel request (FIS `requestobligation`). */
  | 'REQUEST_OBLIGATION';

/** What a sync does to one item. REACTIVATE: the code belongs to an item deleted in Concur, brought back by a bulk update with deleted: false (never reported as unchanged). */
export type ListSyncOperation =
  | 'CREATE'
  | 'DELETE'
  | 'REACTIVATE'
  | 'UPDATE';

/** Phases of a list sync: READ, then the writes (CREATE, then REACTIVATE, UPDATE, DELETE, which share bulk calls; the shared calls go first when a create hangs under a reactivated item), then DONE. */
export type ListSyncPhase =
  | 'CREATE'
  | 'DELETE'
  | 'DONE'
  | 'REACTIVATE'
  | 'READ'
  | 'UPDATE';

/** Kind of ERP record a processing error or a reset request refers to. */
export type ObjectType =
  /** Account record. */
  | 'ACCOUNT'
  /** List name record. */
  | 'LIST'
  /** Tax data record. Inferred: not in the documented enum; used for tax data upload errors. */
  | 'TAX'
  /** Vendor record. */
  | 'VENDOR';

/** How this company's financial postings reach the ERP. */
export type PostingChannel =
  /** Professional Edition: run an extract definition (extractDefinitions, startExtractJob) and download its file. */
  | 'EXTRACT'
  /** FIS is enabled for the company (SAP's recommendation whenever possible). */
  | 'FINANCIAL_INTEGRATION_SERVICE'
  /** Standard Edition: close an OPEN payment batch (closePaymentBatch) and download its file. */
  | 'PAYMENT_BATCH'
  /** The edition is unknown: let the customer's admin choose. */
  | 'UNKNOWN';

/** State of an asynchronous upload request. */
export type ProcessingStatus =
  /** Completed with error(s): no record, or the request itself, was processed (see the request's errors). */
  | 'ERROR'
  /** Completed with partial success: some records failed (see the request's errors). */
  | 'PARTIAL'
  /** Accepted, not processed yet. */
  | 'PROCESSING'
  /** Completed; every record was processed. */
  | 'SUCCESS';

export type ConsoleViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleViewerQuery = { viewer: { kind: string, keyId: string, role: CallerRole, companies: Array<string> } };

export type ConsoleCompaniesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleCompaniesQuery = { companyConnections: Array<{ companyId: string, state: ConnectionState }> };

export type ConsoleListsQueryVariables = Exact<{
  companyId: string;
}>;


export type ConsoleListsQuery = { concurLists: Array<{ id: string, name: string, levelCount: number, isReadOnly: boolean, isManaged: boolean }> };

export type ConsoleConnectionsQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleConnectionsQuery = { companyConnections: Array<{ companyId: string, state: ConnectionState, geolocation: string, accessTokenExpiresAt: string | null, refreshTokenExpiresAt: string, lastRefreshAt: string | null, connectedAt: string, connectedBy: string | null, lastError: { code: string, message: string, at: string } | null }> };

export type ConsoleEditionQueryVariables = Exact<{
  companyId: string;
}>;


export type ConsoleEditionQuery = { companyEdition: { edition: ConcurEdition, postingChannel: PostingChannel } };

export type ConsoleConnectionChangedSubscriptionVariables = Exact<{
  companyId: string;
}>;


export type ConsoleConnectionChangedSubscription = { companyConnectionChanged: { companyId: string, state: ConnectionState, reason: string } };

export type ConsoleDisconnectMutationVariables = Exact<{
  companyId: string;
}>;


export type ConsoleDisconnectMutation = { disconnectCompany: boolean };

export type ConsoleFisCompaniesQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleFisCompaniesQuery = { companyConnections: Array<{ companyId: string, state: ConnectionState }> };

export type ConsoleFisWalkQueryVariables = Exact<{
  companyId: string;
  docType: FinancialDocType;
  after?: string | null | undefined;
}>;


export type ConsoleFisWalkQuery = { financialDocuments: { edges: Array<{ cursor: string }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type ConsoleEventDeliveryQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleEventDeliveryQuery = { eventDelivery: { mode: EventDeliveryMode, reason: string | null, webhookUrl: string | null, lastCheckedAt: string | null, nextCheckAt: string | null, topics: Array<string>, dataCenters: Array<{ name: string, baseUrl: string, state: EssDataCenterState, connectedCompanies: number, error: string | null, checkedAt: string | null }> } };

export type ConsoleApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ConsoleApiKeysQuery = { apiKeys: Array<{ keyId: string, name: string, role: CallerRole, companies: Array<string>, createdAt: string, revokedAt: string | null }> };

export type ConsoleCreateKeyMutationVariables = Exact<{
  name: string;
  role: CallerRole;
  companies: Array<string> | string;
}>;


export type ConsoleCreateKeyMutation = { createApiKey: { key: string, apiKey: { keyId: string } } };

export type ConsoleRevokeKeyMutationVariables = Exact<{
  keyId: string;
}>;


export type ConsoleRevokeKeyMutation = { revokeApiKey: { keyId: string, revokedAt: string | null } };

export type ConsoleRequestErpsQueryVariables = Exact<{
  companyId: string;
}>;


export type ConsoleRequestErpsQuery = { erpIntegrations: Array<{ erpId: string, erpName: string }> };

export type ConsoleRecentRequestsQueryVariables = Exact<{
  companyId: string;
}>;


export type ConsoleRecentRequestsQuery = { recentRequests: Array<{ firstSeenAt: string, updatedAt: string, request: { requestId: string, erpId: string, status: ProcessingStatus | null } }> };

export type ConsoleRequestStatusSubscriptionVariables = Exact<{
  companyId: string;
}>;


export type ConsoleRequestStatusSubscription = { requestStatusChanged: { requestId: string, erpId: string, status: ProcessingStatus | null } };

export type ConsoleRequestErrorsQueryVariables = Exact<{
  companyId: string;
  erpId: string;
  requestId: string;
  after?: string | null | undefined;
}>;


export type ConsoleRequestErrorsQuery = { request: { status: ProcessingStatus | null, errors: { edges: Array<{ node: { objectType: ObjectType | null, errorCode: string | null, errorMessage: string | null, values: string | null, validationErrors: Array<{ source: string | null, errorCode: string | null, errorMessage: string | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } };

export type ConsoleSyncProgressSubscriptionVariables = Exact<{
  companyId: string;
  syncId: string;
}>;


export type ConsoleSyncProgressSubscription = { concurListSyncProgress: { syncId: string, phase: ListSyncPhase, done: number, total: number } };

export type ConsoleSyncMutationVariables = Exact<{
  companyId: string;
  target: ConcurListSyncTarget;
  items: Array<ErpListItemInput> | ErpListItemInput;
  dryRun: boolean;
  syncId: string;
}>;


export type ConsoleSyncMutation = { syncConcurList: { syncId: string, dryRun: boolean, created: number, reactivated: number, updated: number, deleted: number, unchanged: number, failed: number, conflicts: number, bulkCalls: number, errors: Array<{ operation: ListSyncOperation, code: string, message: string }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const ConsoleViewerDocument = new TypedDocumentString(`
    query ConsoleViewer {
  viewer {
    kind
    keyId
    role
    companies
  }
}
    `, {"hash":"sha256:b14ee981191614ef8829fcb8c9ce74c85ac5325553e8a52d4e84d83d642509c9"}) as unknown as TypedDocumentString<ConsoleViewerQuery, ConsoleViewerQueryVariables>;
export const ConsoleCompaniesDocument = new TypedDocumentString(`
    query ConsoleCompanies {
  companyConnections {
    companyId
    state
  }
}
    `, {"hash":"sha256:981c7087e2a03fc4b1d5eeea1e65aa7aba47e8ea06c3d22fa0fee66f36fdc888"}) as unknown as TypedDocumentString<ConsoleCompaniesQuery, ConsoleCompaniesQueryVariables>;
export const ConsoleListsDocument = new TypedDocumentString(`
    query ConsoleLists($companyId: ID!) {
  concurLists(companyId: $companyId) {
    id
    name
    levelCount
    isReadOnly
    isManaged
  }
}
    `, {"hash":"sha256:46a9de14c2d9599fcae546cbd9ce817ebc5350ceddeeaadde086d9b5723ef1ea"}) as unknown as TypedDocumentString<ConsoleListsQuery, ConsoleListsQueryVariables>;
export const ConsoleConnectionsDocument = new TypedDocumentString(`
    query ConsoleConnections {
  companyConnections {
    companyId
    state
    geolocation
    accessTokenExpiresAt
    refreshTokenExpiresAt
    lastRefreshAt
    connectedAt
    connectedBy
    lastError {
      code
      message
      at
    }
  }
}
    `, {"hash":"sha256:d182574a53a18826da68e7a18b8e877c78a4178f81f9ec985278b84829378aa9"}) as unknown as TypedDocumentString<ConsoleConnectionsQuery, ConsoleConnectionsQueryVariables>;
export const ConsoleEditionDocument = new TypedDocumentString(`
    query ConsoleEdition($companyId: ID!) {
  companyEdition(companyId: $companyId) {
    edition
    postingChannel
  }
}
    `, {"hash":"sha256:617f8cc00daa6258d19801b9e37c9ecc86e7033193fe04d6e716036cd6860994"}) as unknown as TypedDocumentString<ConsoleEditionQuery, ConsoleEditionQueryVariables>;
export const ConsoleConnectionChangedDocument = new TypedDocumentString(`
    subscription ConsoleConnectionChanged($companyId: ID!) {
  companyConnectionChanged(companyId: $companyId) {
    companyId
    state
    reason
  }
}
    `, {"hash":"sha256:189a50fb3867b370e039ebb7aaff5c2ef7dacbd010ac0e656d9b2c7a5d3e8ad0"}) as unknown as TypedDocumentString<ConsoleConnectionChangedSubscription, ConsoleConnectionChangedSubscriptionVariables>;
export const ConsoleDisconnectDocument = new TypedDocumentString(`
    mutation ConsoleDisconnect($companyId: ID!) {
  disconnectCompany(companyId: $companyId)
}
    `, {"hash":"sha256:2415b7584d658713997c7a1b69d2ee044acfb18129645ee7fab0551592aff528"}) as unknown as TypedDocumentString<ConsoleDisconnectMutation, ConsoleDisconnectMutationVariables>;
export const ConsoleFisCompaniesDocument = new TypedDocumentString(`
    query ConsoleFisCompanies {
  companyConnections {
    companyId
    state
  }
}
    `, {"hash":"sha256:211262e81b55104d1c277c5812f17132c2b3541dd3f5592dd37dfefa6b994162"}) as unknown as TypedDocumentString<ConsoleFisCompaniesQuery, ConsoleFisCompaniesQueryVariables>;
export const ConsoleFisWalkDocument = new TypedDocumentString(`
    query ConsoleFisWalk($companyId: ID!, $docType: FinancialDocType!, $after: String) {
  financialDocuments(
    companyId: $companyId
    docType: $docType
    first: 100
    after: $after
  ) {
    edges {
      cursor
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `, {"hash":"sha256:411625b4200df746de95b270f8231adf6dfc3a10ee3705de726f7fcf6a1ef363"}) as unknown as TypedDocumentString<ConsoleFisWalkQuery, ConsoleFisWalkQueryVariables>;
export const ConsoleEventDeliveryDocument = new TypedDocumentString(`
    query ConsoleEventDelivery {
  eventDelivery {
    mode
    reason
    webhookUrl
    lastCheckedAt
    nextCheckAt
    topics
    dataCenters {
      name
      baseUrl
      state
      connectedCompanies
      error
      checkedAt
    }
  }
}
    `, {"hash":"sha256:cb128098ede56fba88da2ddfb0f34748ca789ec3cad4302f452177cbc40421d0"}) as unknown as TypedDocumentString<ConsoleEventDeliveryQuery, ConsoleEventDeliveryQueryVariables>;
export const ConsoleApiKeysDocument = new TypedDocumentString(`
    query ConsoleApiKeys {
  apiKeys {
    keyId
    name
    role
    companies
    createdAt
    revokedAt
  }
}
    `, {"hash":"sha256:71c51e9e59fd6df6f0f6d32969e5cf1c2e81f64ab8fa25ae19eb78812e77eca1"}) as unknown as TypedDocumentString<ConsoleApiKeysQuery, ConsoleApiKeysQueryVariables>;
export const ConsoleCreateKeyDocument = new TypedDocumentString(`
    mutation ConsoleCreateKey($name: String!, $role: CallerRole!, $companies: [ID!]!) {
  createApiKey(name: $name, role: $role, companies: $companies) {
    key
    apiKey {
      keyId
    }
  }
}
    `, {"hash":"sha256:ff26f2167f5e8e841b32f1cb484bad569088314ad24ba935c690c2bb1b65cb60"}) as unknown as TypedDocumentString<ConsoleCreateKeyMutation, ConsoleCreateKeyMutationVariables>;
export const ConsoleRevokeKeyDocument = new TypedDocumentString(`
    mutation ConsoleRevokeKey($keyId: ID!) {
  revokeApiKey(keyId: $keyId) {
    keyId
    revokedAt
  }
}
    `, {"hash":"sha256:1e76f3034b560ae4973010efbc5eed78f273adad7c774b3de1edcbe415903826"}) as unknown as TypedDocumentString<ConsoleRevokeKeyMutation, ConsoleRevokeKeyMutationVariables>;
export const ConsoleRequestErpsDocument = new TypedDocumentString(`
    query ConsoleRequestErps($companyId: ID!) {
  erpIntegrations(companyId: $companyId) {
    erpId
    erpName
  }
}
    `, {"hash":"sha256:07708ba5e6481ba41f652870f4251676c1153431489a37841e3bf8a7f0744980"}) as unknown as TypedDocumentString<ConsoleRequestErpsQuery, ConsoleRequestErpsQueryVariables>;
export const ConsoleRecentRequestsDocument = new TypedDocumentString(`
    query ConsoleRecentRequests($companyId: ID!) {
  recentRequests(companyId: $companyId, first: 100) {
    firstSeenAt
    updatedAt
    request {
      requestId
      erpId
      status
    }
  }
}
    `, {"hash":"sha256:815496f7f0c7e994f24c5d80d039336273ba06644289ca2a8256de365f51ef5d"}) as unknown as TypedDocumentString<ConsoleRecentRequestsQuery, ConsoleRecentRequestsQueryVariables>;
export const ConsoleRequestStatusDocument = new TypedDocumentString(`
    subscription ConsoleRequestStatus($companyId: ID!) {
  requestStatusChanged(companyId: $companyId) {
    requestId
    erpId
    status
  }
}
    `, {"hash":"sha256:770288b0aedf1f6201066c64b4f085ae91a651fd64b0736f29e7367a08585fb0"}) as unknown as TypedDocumentString<ConsoleRequestStatusSubscription, ConsoleRequestStatusSubscriptionVariables>;
export const ConsoleRequestErrorsDocument = new TypedDocumentString(`
    query ConsoleRequestErrors($companyId: ID!, $erpId: ID!, $requestId: ID!, $after: String) {
  request(companyId: $companyId, erpId: $erpId, requestId: $requestId) {
    status
    errors(first: 10, after: $after) {
      edges {
        node {
          objectType
          errorCode
          errorMessage
          values
          validationErrors {
            source
            errorCode
            errorMessage
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
}
    `, {"hash":"sha256:d608c0ef32f3bfe427567edcf1faf88b1b83bef8b4f951cc79b7f4860c6352f7"}) as unknown as TypedDocumentString<ConsoleRequestErrorsQuery, ConsoleRequestErrorsQueryVariables>;
export const ConsoleSyncProgressDocument = new TypedDocumentString(`
    subscription ConsoleSyncProgress($companyId: ID!, $syncId: ID!) {
  concurListSyncProgress(companyId: $companyId, syncId: $syncId) {
    syncId
    phase
    done
    total
  }
}
    `, {"hash":"sha256:8a2b38e07e61df6223eaa4ef50d5bb4a67dfde48cb40932100c34433a0af7beb"}) as unknown as TypedDocumentString<ConsoleSyncProgressSubscription, ConsoleSyncProgressSubscriptionVariables>;
export const ConsoleSyncDocument = new TypedDocumentString(`
    mutation ConsoleSync($companyId: ID!, $target: ConcurListSyncTarget!, $items: [ErpListItemInput!]!, $dryRun: Boolean!, $syncId: ID!) {
  syncConcurList(
    companyId: $companyId
    target: $target
    items: $items
    dryRun: $dryRun
    syncId: $syncId
  ) {
    syncId
    dryRun
    created
    reactivated
    updated
    deleted
    unchanged
    failed
    conflicts
    bulkCalls
    errors {
      operation
      code
      message
    }
  }
}
    `, {"hash":"sha256:06a53c123978a336107d0937beb1a7e3cab732c353e6bbe7187286217fe123e1"}) as unknown as TypedDocumentString<ConsoleSyncMutation, ConsoleSyncMutationVariables>;