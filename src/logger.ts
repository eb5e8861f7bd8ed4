import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** JSON logs to stdout at `level` (config `logLevel`). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "concur-graph" } });
}
