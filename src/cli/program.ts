import { Command, CommanderError, Option } from "commander";
import { openApiKeyStore, type ApiKeyRecord } from "../callers/api-keys.js";
import { parseCompanies, parseRole, ROLES } from "../callers/identity.js";
import { ConfigError } from "../config.js";
import { openConnectionStore } from "../connections/store/connection-store.js";
import { parseEncryptionKeys, SecretDecryptionError } from "../connections/store/crypto.js";
import { DEFAULT_DATABASE_URL, openDatabase, parseDatabaseUrl, type SqlDatabase } from "../connections/store/database.js";
import type { ConnectionSummary } from "../connections/store/types.js";
import { CodedError, ErrorCode } from "../errors.js";
import { registerSyncCommand } from "./sync/command.js";

/** Exit codes of `concur-graph`. */
export const ExitCode = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Settings the CLI takes from its environment. */
export interface CliEnvironment {
  databaseUrl?: string;
  encryptionKeys?: string;
  /** Bearer token of `sync` (`CONCUR_GRAPH_TOKEN`). */
  graphToken?: string;
}

/** The one place the CLI reads environment variables (`DATABASE_URL`, `CONNECTION_ENCRYPTION_KEYS`, `CONCUR_GRAPH_TOKEN`). */
export function readCliEnvironment(env: Record<string, string | undefined>): CliEnvironment {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    encryptionKeys: env.CONNECTION_ENCRYPTION_KEYS || undefined,
    graphToken: env.CONCUR_GRAPH_TOKEN || undefined,
  };
}

interface GlobalOptions {
  databaseUrl?: string;
  encryptionKeys?: string;
}

/**
 * Runs `concur-graph <command>` and resolves to its exit code (never calls `process.exit`).
 * @param argv arguments after the program name, e.g. `["keys", "list"]`
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment, io: CliIo): Promise<number> {
  let code: number = ExitCode.OK;
  const program = new Command("concur-graph")
    .description("Administer a concur-graph gateway's API keys and company connections.")
    .addOption(new Option("--database-url <url>", `sqlite:<path> or postgres://… (env DATABASE_URL, default ${DEFAULT_DATABASE_URL})`))
    .addOption(new Option("--encryption-keys <keys>", "kid:base64 key list, first = current (env CONNECTION_ENCRYPTION_KEYS; prefer the env: arguments show in ps)"))
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError("(run concur-graph --help for usage)");

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const databaseUrl = () => globals().databaseUrl ?? environment.databaseUrl ?? DEFAULT_DATABASE_URL;
  const encryptionKeys = () => globals().encryptionKeys ?? environment.encryptionKeys;
  const withDatabase = async <T>(use: (db: SqlDatabase) => Promise<T>): Promise<T> => {
    const db = await openDatabase(parseDatabaseUrl(databaseUrl(), { name: "--database-url / DATABASE_URL" }));
    try {
      return await use(db);
    } finally {
      await db.close();
    }
  };
  const print = (json: boolean | undefined, value: unknown, human: () => string) => io.out(json ? `${JSON.stringify(value, null, 2)}\n` : human());

  const keys = program.command("keys").description("API keys of the gateway's callers");
  keys
    .command("create")
    .description("Create an API key; prints the key once on stdout (only its hash is stored)")
    .requiredOption("--name <name>", "what the key is for, e.g. the calling system")
    .addOption(new Option("--role <role>", "what the key may do").choices([...ROLES]).makeOptionMandatory())
    .requiredOption("--companies <ids>", "comma-separated company ids, or '*' for all")
    .option("--json", "print {key, record} as JSON")
    .action(async (options: { name: string; role: string; companies: string; json?: boolean }) => {
      const companies = parseCompanies(options.companies);
      const created = await withDatabase(async (database) => {
        const store = await openApiKeyStore({ database, cacheTtlMs: 0 });
        return store.create({ name: options.name, role: parseRole(options.role)!, companies });
      });
      if (options.json) return print(true, created, () => "");
      io.err(`Created API key ${created.record.keyId} (${describeKey(created.record)}). Store it now: it is shown only once.\n`);
      io.out(`${created.key}\n`);
    });
  keys
    .command("list")
    .description("List API keys (never shows secrets or hashes)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const records = await withDatabase(async (database) => (await openApiKeyStore({ database, cacheTtlMs: 0 })).list());
      print(options.json, records, () =>
        table(
          ["KEY ID", "NAME", "ROLE", "COMPANIES", "CREATED", "REVOKED"],
          records.map((r) => [r.keyId, r.name, r.role, companiesText(r.companies), iso(r.createdAt), r.revokedAt ? iso(r.revokedAt) : "-"]),
        ),
      );
    });
  keys
    .command("revoke")
    .description("Revoke an API key (running gateways stop accepting it within their cache TTL, 10 s by default)")
    .argument("<keyId>", "the id shown by keys list (the part after cg_)")
    .action(async (keyId: string) => {
      const record = await withDatabase(async (database) => (await openApiKeyStore({ database, cacheTtlMs: 0 })).revoke(keyId));
      if (!record) {
        io.err(`No API key ${keyId}: see concur-graph keys list.\n`);
        code = ExitCode.FAILED;
        return;
      }
      io.out(`Revoked API key ${record.keyId} (${record.name}) at ${iso(record.revokedAt!)}.\n`);
    });

  const connections = program.command("connections").description("Company connections (Concur refresh tokens)");
  connections
    .command("list")
    .description("List connected companies: state, geolocation, refresh-token expiry, encryption key id (never tokens)")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const rows = await withDatabase(async (database) => {
        const store = await openConnectionStore({ database, keys: [], allowMissingKeys: true });
        return store.list();
      });
      print(options.json, rows, () =>
        table(
          ["COMPANY", "STATE", "GEOLOCATION", "REFRESH EXPIRES", "KEY", "LAST ERROR"],
          rows.map((r: ConnectionSummary) => [r.companyId, r.state, r.geolocation, iso(r.refreshExpiresAt), r.encryptionKeyId, r.lastError ? `${r.lastError.code} at ${iso(r.lastError.at)}` : "-"]),
        ),
      );
    });
  connections
    .command("rekey")
    .description("Re-encrypt every refresh token with the first key of CONNECTION_ENCRYPTION_KEYS (step 2 of a key rotation)")
    .action(async () => {
      const keys = parseEncryptionKeys(encryptionKeys(), "--encryption-keys / CONNECTION_ENCRYPTION_KEYS");
      const result = await withDatabase(async (database) => (await openConnectionStore({ database, keys })).rekey());
      io.out(`Re-encrypted ${result.rekeyed} connection(s) with key ${keys[0].id}; ${result.current} already used it; ${result.skipped} changed meanwhile (already current).\n`);
      if (keys.length > 1) io.out(`Once no connection lists an old key id, remove ${keys.slice(1).map((k) => k.id).join(", ")} from CONNECTION_ENCRYPTION_KEYS.\n`);
    });

  registerSyncCommand(program, { out: io.out, err: io.err, token: environment.graphToken, setCode: (c) => (code = c) });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already printed by commander.
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    if (error instanceof ConfigError) {
      io.err(`concur-graph: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    if (error instanceof CodedError || error instanceof SecretDecryptionError) {
      io.err(`concur-graph: ${error.message}\n`);
      return error instanceof CodedError && error.code === ErrorCode.BAD_USER_INPUT ? ExitCode.USAGE : ExitCode.FAILED;
    }
    io.err(`concur-graph: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.FAILED;
  }
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();
const companiesText = (companies: "*" | string[]) => (companies === "*" ? "*" : companies.join(","));
const describeKey = (record: ApiKeyRecord) => `${record.name}, role ${record.role}, companies ${companiesText(record.companies)}`;

function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return "(none)\n";
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}
