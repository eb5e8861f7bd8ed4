/** Shapes every List v4 / List Item v4 answer shares (spec §1). */

/** The paged body of every list GET: 1-based, fixed at 100 per page (spec §1 Paging). */
export interface Paged<T> {
  /** `[{rel, href}]`; empty on a single page. Rel names are undocumented (Q6): paging goes by `page`. */
  links?: { rel: string; href: string }[];
  content: T[];
  page: { size: number; totalElements: number; totalPages: number; number: number };
}

/** Error body of the list APIs (spec §1 Error body). */
export interface ListErrorBody {
  timestamp: string;
  httpStatus: string;
  error: { id: string; message: string };
  path: string;
  validationErrors?: { source: string; message: string }[];
}
