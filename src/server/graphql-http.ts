import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";

/** Largest GraphQL request body accepted (bulk mutations carry records). */
export const MAX_GRAPHQL_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `POST /graphql` straight from node:http to Apollo Server (its documented integration API), without the
 * express router and body parser: this is the hot path of every query and mutation.
 */
export function graphqlPostHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (error) {
      const status = error instanceof BodyError ? error.status : 400;
      res.writeHead(status, { "content-type": "application/json" }).end(
        JSON.stringify({ errors: [{ message: (error as Error).message, extensions: { code: "BAD_REQUEST" } }] }),
      );
      return;
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const queryAt = req.url?.indexOf("?") ?? -1;
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: queryAt >= 0 ? req.url!.slice(queryAt) : "", body },
      context: () => context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_GRAPHQL_BODY_BYTES) throw new BodyError(413, `Request body over ${MAX_GRAPHQL_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_GRAPHQL_BODY_BYTES) throw new BodyError(413, `Request body over ${MAX_GRAPHQL_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const type = req.headers["content-type"] ?? "";
  // Apollo answers a missing or foreign content type itself (CSRF prevention); only JSON is parsed here.
  if (size === 0 || !/^application\/(graphql-response\+)?json\b|^application\/json/i.test(type)) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks, size).toString("utf8"));
  } catch {
    throw new BodyError(400, "Request body is not valid JSON");
  }
}
