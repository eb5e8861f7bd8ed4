import { isAscii } from "node:buffer";

/**
 * The UTF-8 bytes of a serialized answer, for its socket. Answers are almost always ASCII (JSON.stringify escapes
 * nothing else, and Concur's records seldom hold anything else): copied as Latin-1 (one byte per character, no UTF-8
 * length scan) and confirmed ASCII by `isAscii`, those bytes are its UTF-8. Anything else is encoded as UTF-8.
 *
 * Why: `res.end(string)` has node scan the string for its UTF-8 length (Content-Length), flattening the rope
 * JSON.stringify builds, then encode it again into the socket's write buffer. Measured on an 800 KB answer (a node
 * server answering JSON.stringify of 5,000 edges, server CPU per request, three runs each): ~2.4 ms to send the
 * string, ~1.7 ms with this.
 */
export function answerBytes(text: string): Buffer {
  const latin1 = Buffer.from(text, "latin1");
  return isAscii(latin1) ? latin1 : Buffer.from(text, "utf8");
}

/** A serialized answer: its text (small), its bytes (a shared answer, result-sharing.ts), or (large) its bytes in order, each chunk under {@link ANSWER_CHUNK_CHARS}-ish. */
export type AnswerBody = string | Buffer | readonly Buffer[];

/**
 * Characters per chunk of a large answer. Below glibc's mmap threshold (128 KiB) and V8's largest regular heap object,
 * so neither a chunk's string nor its bytes is a fresh mapping of memory.
 */
export const ANSWER_CHUNK_CHARS = 32 * 1024;
/** Arrays at least this long are serialized in slices of this many elements (a connection's edges). */
const SLICE = 256;

/**
 * `JSON.stringify(value)` (the very same text): as bytes in chunks of about {@link ANSWER_CHUNK_CHARS} characters
 * when it is large, else as that string.
 *
 * Why: one 800 KB answer (5,000 edges) as one string and one buffer is two large allocations per request: the flat
 * string (V8 puts it in its large-object space, a mapping of its own) and its bytes (malloc above the mmap threshold),
 * both fresh pages the kernel must fault in and take back. On the bench machine (a VM) that is ~30 µs per 4 KiB page:
 * `Buffer.from` of a flat 900 KB string took ~4.4 ms against ~0.1 ms into memory malloc already had. Slices of a
 * long array are serialized by JSON.stringify each (native speed) and chunks are written to the socket in one writev.
 */
export function serializeAnswer(value: unknown): AnswerBody {
  const chunks: Buffer[] = [];
  let current = "";
  const emit = (text: string) => {
    if (text.length >= ANSWER_CHUNK_CHARS) {
      // A slice as large as a chunk is a chunk of its own: appended to `current` it would be copied once more when
      // the rope is flattened for its bytes.
      if (current.length > 0) chunks.push(answerBytes(current));
      current = "";
      chunks.push(answerBytes(text));
      return;
    }
    current += text;
    if (current.length >= ANSWER_CHUNK_CHARS) {
      chunks.push(answerBytes(current));
      current = "";
    }
  };
  writeValue(value, emit);
  // A small answer stays a string: node writes it straight into the socket's buffer, cheaper than a Buffer of its own
  // (bytes, copy, ASCII check) for the few KB of a typical answer.
  if (chunks.length === 0) return current;
  if (current.length > 0) chunks.push(answerBytes(current));
  return chunks;
}

/** Bytes of a serialized answer. */
export function answerByteLength(body: string | AnswerBody): number {
  if (typeof body === "string") return Buffer.byteLength(body, "utf8");
  if (Buffer.isBuffer(body)) return body.length;
  let total = 0;
  for (const chunk of body as readonly Buffer[]) total += chunk.length;
  return total;
}

/** A plain object or array JSON.stringify would walk as is (no toJSON, no foreign prototype). */
function walkable(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Array.prototype || proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** Emits the JSON text of `value`: long arrays in slices, plain objects that lead to one member by member. */
function writeValue(value: unknown, emit: (text: string) => void): void {
  if (!walkable(value)) {
    // Top level only: JSON.stringify of a function or undefined is undefined (never the case for a GraphQL result).
    emit(JSON.stringify(value) ?? "null");
    return;
  }
  if (Array.isArray(value)) {
    if (value.length < SLICE) {
      emit(JSON.stringify(value));
      return;
    }
    emit("[");
    for (let at = 0; at < value.length; at += SLICE) {
      const slice = JSON.stringify(value.slice(at, at + SLICE));
      // "[a,b]" -> "a,b" (a view into the slice's text, not a copy), joined to the previous slice by a comma.
      if (at > 0) emit(",");
      emit(slice.slice(1, -1));
    }
    emit("]");
    return;
  }
  emit("{");
  let first = true;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (walkable(field) && holdsLongArray(field)) {
      emit(`${first ? "" : ","}${JSON.stringify(key)}:`);
      writeValue(field, emit);
      first = false;
      continue;
    }
    const text = JSON.stringify(field);
    // JSON.stringify leaves out members whose value is undefined, a function or a symbol.
    if (text === undefined) continue;
    emit(`${first ? "" : ","}${JSON.stringify(key)}:${text}`);
    first = false;
  }
  emit("}");
}

/** Whether a long array sits in `value` (itself, or in a plain object below it); small answers are stringified whole. */
function holdsLongArray(value: Record<string, unknown> | unknown[], depth = 0): boolean {
  if (Array.isArray(value)) return value.length >= SLICE;
  if (depth > 8) return false;
  for (const key in value) {
    const field = value[key];
    if (walkable(field) && holdsLongArray(field, depth + 1)) return true;
  }
  return false;
}
