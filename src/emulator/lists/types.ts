/** Wire shapes of List v4 / List Item v4 / Bulk as the emulator answers them (spec §1-§3). */

export interface ListCategory {
  id: string;
  type: string;
}

/** `ListResponse` [LIST]. */
export interface ListResponse {
  id: string;
  value: string;
  levelCount: number;
  searchCriteria: "TEXT" | "CODE";
  displayFormat: "(CODE) TEXT" | "TEXT (CODE)";
  category: ListCategory;
  isReadOnly: boolean;
  isDeleted: boolean;
  managedBy: string | null;
  externalThreshold?: number;
}

/** `ListItem` [ITEM]. */
export interface ListItemResponse {
  id: string;
  code: string;
  shortCode: string;
  value: string;
  parentId?: string;
  listId: string;
  level: number;
  isDeleted: boolean;
  lists: { id: string; hasChildren: boolean }[];
}

/** The paged body of every list GET [ITEM] [LIST]. */
export interface PagedBody<T> {
  links: { rel: string; href: string }[];
  content: T[];
  page: { size: number; totalElements: number; totalPages: number; number: number };
}

/** Error body of the list APIs [ITEM] [BULK] [LIST]. */
export interface ListErrorBody {
  timestamp: string;
  httpStatus: string;
  error: { id: string; message: string };
  path: string;
  validationErrors?: { source: string; message: string }[];
}

/** Answer of both bulk calls [BULK]. */
export interface BulkResponse {
  status: "SUCCESS" | "PARTIAL_SUCCESS" | "FAILURE";
  recordsSucceeded: number;
  recordsFailed: number;
  errors: { id: string; message: string; listItem: unknown }[];
}
