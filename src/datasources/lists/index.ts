// List v4 + List Item v4 + List Item Bulk v4 (spec: docs/emulator/lists-v4.md): the reader over 1-based pages, the
// coalescing bulk writer, hyphen rules and the wire <-> schema mappers.
export { LIST_API, LIST_SCOPES, LIST_PAGE_SIZE, MAX_BULK_PARTS, listPaths } from "./paths.js";
export { createListReader, type ListReader, type ListReaderOptions, type ItemFilter, type ListFilter, type ItemParent, type ItemConnection, type TextMatch, type TextOp, type PageArgs } from "./reader.js";
export { createListItemWriter, type ListItemWriter, type ListItemWriterOptions, type ItemWrite } from "./writes/batcher.js";
export { sendBulk, partCode, BULK_POLICY, type BulkTarget, type BulkKind, type BulkOutcome, type PartOutcome } from "./writes/bulk.js";
export { checkSegment, checkLongCode, listProblemsToError, type ListProblem } from "./writes/validate.js";
export { listErrorFromResponse } from "./errors.js";
export type { ListResponse as WireConcurList, ListItem as WireConcurListItem, BulkCreatePart, BulkPatchPart } from "./wire/index.js";
export { toConcurList, toConcurListItem, isDeletedItem } from "./mappers.js";
