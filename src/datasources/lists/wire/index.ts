export type * from "./common.js";
export type * from "./lists.js";
export type * from "./items.js";
export type * from "./bulk.js";
