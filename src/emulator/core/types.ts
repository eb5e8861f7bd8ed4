/** Types every emulated API shares: JSON values, the Concur v4 ErrorMessage, injectable clock and randomness. */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ValidationError {
  source: string;
  errorMessage: string;
  errorCode: string;
}

/** The v4 APIs' error body (accounting-v4 1.0). */
export interface ErrorMessage {
  timestamp: string;
  httpStatus: string;
  errorCode: string;
  errorMessage: string;
  path: string;
  validationErrors?: ValidationError[];
}

/** Milliseconds since the epoch; injectable so rate limits and retention can be tested without sleeping. */
export type Clock = () => number;
/** Uniform [0, 1); injectable so fault rates can be forced in tests. */
export type RandomSource = () => number;
