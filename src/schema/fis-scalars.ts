import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { isLosslessNumber } from "lossless-json";
import { decimalShape, isPlainDecimal, plainDecimal } from "../datasources/index.js";

/** Largest decimal a caller may send: FIS numbers have up to 23 digits, 8 of them decimals (spec §3 "General"). */
const MAX_INTEGER_DIGITS = 15;
const MAX_SCALE = 8;

function fromText(text: string, what: string): string {
  const plain = plainDecimal(text);
  if (plain === undefined || !isPlainDecimal(plain)) throw new GraphQLError(`Decimal: ${what} ${JSON.stringify(text)} is not a decimal number; send it as a string such as "1234.56"`);
  const { integerDigits, scale } = decimalShape(plain);
  if (integerDigits > MAX_INTEGER_DIGITS || scale > MAX_SCALE) {
    throw new GraphQLError(`Decimal: ${JSON.stringify(text)} has more digits than FIS takes (at most ${MAX_INTEGER_DIGITS} before and ${MAX_SCALE} after the point)`);
  }
  return plain;
}

/**
 * Exact decimal numbers (FIS amounts have up to 23 digits with 8 decimals), serialised as strings so no digit is lost
 * to a float: `"12345678901234.12345678"`. Input: a string (recommended), or a literal number in the query text;
 * a JSON-number variable is accepted only with at most 15 significant digits (beyond that JSON parsing already
 * rounded it).
 */
export const Decimal = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description:
    'An exact decimal number as a string, e.g. "12345678901234.12345678" (FIS amounts: up to 23 digits, 8 after the point). Never a float: digits and scale arrive exactly as Concur sent them. Send inputs as strings.',
  serialize(value) {
    if (typeof value === "string") {
      const plain = plainDecimal(value);
      if (plain === undefined) throw new GraphQLError(`Decimal cannot represent ${JSON.stringify(value)}`);
      return plain;
    }
    if (isLosslessNumber(value)) return plainDecimal(value.value) ?? value.value;
    if (typeof value === "number" && Number.isFinite(value)) return plainDecimal(String(value)) ?? String(value);
    throw new GraphQLError(`Decimal cannot represent ${String(value)}`);
  },
  parseValue(value) {
    if (typeof value === "string") return fromText(value.trim(), "the value");
    if (typeof value === "number" && Number.isFinite(value)) {
      const text = String(value);
      if (text.replace(/^-|\.|e.*$/gi, "").replace(/^0+/, "").length > 15) throw new GraphQLError(`Decimal: ${text} arrived as a JSON number and may have lost digits; send it as a string`);
      return fromText(text, "the value");
    }
    throw new GraphQLError("Decimal must be a string such as \"1234.56\"");
  },
  parseLiteral(ast) {
    // The literal's text is exact (no float in between), so a number literal is as good as a string.
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return fromText(ast.value, "the literal");
    throw new GraphQLError("Decimal must be a string such as \"1234.56\"");
  },
});
