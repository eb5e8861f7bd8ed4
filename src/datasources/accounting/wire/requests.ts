/** Upload requests and their errors (spec §1.4, §1.0). */
import type { Linked } from "../../client/links.js";
import type { OpenEnum, ProcessingStatus, ObjectType } from "./enums.js";

/**
 * Response of the upload endpoints (202) and of GET /requests/{requestId}.
 * PATCH 202 examples use `links`, GET and events use `_links`; swagger adds companyId and erpId.
 */
export interface RequestStatus extends Linked {
  requestId: string;
  status: OpenEnum<ProcessingStatus>;
  companyId?: string;
  erpId?: string;
}

export interface ValidationError {
  source?: string | null;
  errorMessage?: string | null;
  errorCode?: string | null;
}

export interface ProcessingError {
  companyId?: string;
  erpId?: string;
  requestId: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  objectType?: OpenEnum<ObjectType> | null;
  /** The failing record as received, serialized as a JSON string. */
  values?: string | null;
  validationErrors?: ValidationError[] | null;
}

/** Error body of every 4xx/5xx response. Swagger requires timestamp, httpStatus, errorMessage and path. */
export interface ErrorMessage {
  /** date-time. */
  timestamp: string;
  /** Code and phrase, e.g. "400 - Bad Request" (format inferred). */
  httpStatus: string;
  errorCode?: string;
  errorMessage: string;
  /** URI of the attempted request. */
  path: string;
  validationErrors?: ValidationError[];
}
