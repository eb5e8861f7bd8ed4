import { pino, type Logger as PinoLogger } from "pino";

export type Logger = PinoLogger;

/** JSON logs to stdout; `silent` in tests unless LOG_LEVEL says otherwise. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "concur-graph" } });
}
