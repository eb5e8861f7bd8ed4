import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/**
 * Logs to stdout at `level` (config `logLevel`): JSON lines, or, with `pretty` (config `logFormat`; the default on a
 * terminal outside production), pino-pretty's readable lines.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const base = { service: "concur-graph" };
  if (!options.pretty) return pino({ level, base });
  return pino({ level, base, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" } } });
}
