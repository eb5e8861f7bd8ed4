/*
 * REST wire formats of SAP Concur Accounting Integration v4, exactly as
 * the spec (docs/emulator/accounting-v4.md, with its sources) and the swagger show them, one file per section.
 *
 * Responses are typed defensively: members the docs show as sometimes absent or null are
 * optional/nullable, and enum-valued members are `OpenEnum` so that a value Concur adds
 * later type-checks as a string (the mappers turn unknown values into null).
 * Request bodies use the closed unions.
 */

export type { HrefLink, RelLink, LinksShape, Linked, LinkRel, Page } from "../../client/links.js";
export type * from "./enums.js";
export type * from "./erp.js";
export type * from "./records.js";
export type * from "./mappings.js";
export type * from "./requests.js";
