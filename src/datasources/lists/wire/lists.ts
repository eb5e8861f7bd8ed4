/** List v4 `ListResponse` (spec §2, [LIST]). */
export interface ListResponse {
  id: string;
  /** The list's name. */
  value: string;
  levelCount: number;
  searchCriteria?: "TEXT" | "CODE" | string;
  displayFormat?: "(CODE) TEXT" | "TEXT (CODE)" | string;
  category?: { id: string; type: string } | null;
  isReadOnly?: boolean;
  isDeleted?: boolean;
  /** `appId:<uuid>` of the managing app, or null. */
  managedBy?: string | null;
  externalThreshold?: number | null;
}
