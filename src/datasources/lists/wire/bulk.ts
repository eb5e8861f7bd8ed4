/** List Item Bulk v4 (spec §3.3, [BULK]). */

/** One part of `POST /lists/{listId}/bulk` (B1): a create. */
export interface BulkCreatePart {
  shortCode: string;
  value: string;
  /** Long code of the parent; absent at level 1. */
  parentCode?: string;
}

/** One part of `PATCH /lists/{listId}/bulk` (B2): an update and/or a delete by long code. */
export interface BulkPatchPart {
  code: string;
  value?: string;
  deleted?: boolean;
}

export interface BulkRequest<P> {
  requests: P[];
}

/** Answer of both bulk calls: 201/200 SUCCESS, 206 PARTIAL_SUCCESS, 400 FAILURE. */
export interface BulkResponse {
  status: "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE" | string;
  recordsSucceeded: number;
  recordsFailed: number;
  errors?: { id: string; message: string; listItem?: Partial<BulkCreatePart & BulkPatchPart> | null }[];
}
