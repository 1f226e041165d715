/**
 * The API's error body as a zod schema, and the refusals each route documents: one schema for every
 * 4xx/5xx answer, with what each status means in this API.
 * @module
 */
import { z } from "@hono/zod-openapi";

/** Body of every error response (`workers/errors.ts` builds it). */
export const ErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.string().openapi({ example: "bad_request" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");

/** What each refusal status means here. */
export const ERROR_TEXT = {
  400: "Invalid input: the message and details name every bad field; malformed JSON; JSON nested deeper than 16; a body that is not JSON",
  401: "Missing or wrong bearer token",
  404: "Unknown symbol (never started)",
  409: "Conflict with the current state",
  412: "`If-Match` names a version that is no longer current (`stale_version`; details.currentVersion); nothing changed",
  413: "The body exceeds 64 KiB (`payload_too_large`)",
  415: "The body is not `application/json`",
  422: "Refused: the code and details say why (invalid config fields, a window too large, an unknown symbol); nothing changed",
  500: "A bug: the message reveals nothing; the Worker's log has the error",
  502: "An agent's RPC failed (`agent_error`; details name the symbol and method)",
  503: "API_TOKEN is not set (`not_configured`), or an agent did not answer in time (`agent_timeout`)",
} as const;

/** A refusal status the API documents. */
export type ErrorStatus = keyof typeof ERROR_TEXT;

const errorContent = { "application/json": { schema: ErrorSchema } };

/** Every route under `/api` can answer these (auth, a bug). */
const ALWAYS: readonly ErrorStatus[] = [401, 500, 503];

/** The documented error responses of a route: `codes` plus 401, 500 and 503. */
export function errorResponses<const C extends ErrorStatus>(...codes: C[]) {
  const all = [...new Set([...ALWAYS, ...codes])].sort() as (C | 401 | 500 | 503)[];
  const entries = all.map((code) => [code, { description: ERROR_TEXT[code] as string, content: errorContent }]);
  return Object.fromEntries(entries) as Record<
    C | 401 | 500 | 503,
    { description: string; content: typeof errorContent }
  >;
}

/** A JSON response with `schema`. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } };
}
