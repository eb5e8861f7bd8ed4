/** Barrel of the schema classes and enums, for the composition root and resolvers. */
export * from "./enums.js";
export * from "./relation.js";
export * from "./erp.type.js";
export * from "./erp.input.js";
export * from "./account.type.js";
export * from "./account.input.js";
export * from "./vendor.type.js";
export * from "./vendor.input.js";
export * from "./list-name.type.js";
export * from "./list-name.input.js";
export * from "./tax-data.type.js";
export * from "./tax-data.input.js";
export * from "./mappings.type.js";
export * from "./request.type.js";
export * from "./connection.js";
export * from "./events.type.js";
export * from "./write-result.type.js";
