/** OAuth scopes of Accounting Integration v4 (spec 1.0): read → GET; write → DELETE, PATCH, POST, PUT. */
export const SCOPE_READ = "spend.accountingintegration.read";
export const SCOPE_WRITE = "spend.accountingintegration.write";
export const ACCOUNTING_SCOPES: readonly string[] = [SCOPE_READ, SCOPE_WRITE];
