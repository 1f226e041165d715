/**
 * Limits on request bodies, checked before any route reads one: at most {@link MAX_BODY_BYTES}
 * (413), and JSON nested at most {@link MAX_JSON_DEPTH} deep (400). Deep nesting is refused before
 * it is parsed: recursive code downstream (validation, merging, structured clone over RPC) would
 * otherwise overflow its stack on it.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { every } from "hono/combine";
import type { AppEnv } from "./env";
import { errorBody } from "./errors";

/** Largest request body, bytes (a whole config is about 3 KB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Deepest JSON nesting accepted (a config nests 4 deep). */
export const MAX_JSON_DEPTH = 16;

/** The deepest nesting of arrays and objects in JSON text (brackets inside strings do not count); no parse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > deepest) deepest = depth;
    } else if (ch === 93 /* ] */ || ch === 125 /* } */) depth--;
  }
  return deepest;
}

const sizeLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => c.json(errorBody("payload_too_large", `The body exceeds ${MAX_BODY_BYTES} bytes`), 413),
});

const depthLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.raw.body === null) return next();
  // Cached by Hono: the route's own c.req.json() reads the same text.
  const depth = jsonDepth(await c.req.text());
  if (depth > MAX_JSON_DEPTH)
    return c.json(
      errorBody("bad_request", `The JSON body nests ${depth} deep; at most ${MAX_JSON_DEPTH} is accepted`),
      400,
    );
  return next();
};

/** Middleware: the size limit, then the nesting limit, on every request with a body. */
export const bodyGuard: MiddlewareHandler<AppEnv> = every(sizeLimit, depthLimit);
