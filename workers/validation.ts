/**
 * Request validation in the API's error shape. Routes are declared with `@hono/zod-openapi`
 * (`apiRoutes()`), so the zod schemas that validate a request are the ones the OpenAPI document is
 * generated from; a failure answers 400 naming every bad field. `jsonBody` reads a body the receiver
 * validates itself (the config), insisting on `Content-Type: application/json` (without it Hono
 * would read the body as `{}`).
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, ValidationTargets } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./env";
import { errorBody } from "./errors";

/** One invalid input field. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/** zod issues as `{ path, message }` with dotted paths; an unknown key is named by its own path. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((i) => {
    const base = i.path.map(String);
    if (i.code === "unrecognized_keys")
      return i.keys.map((k) => ({ path: [...base, k].join("."), message: "unknown field" }));
    return [{ path: base.join("."), message: i.message }];
  });
}

const TARGET_NAMES: Partial<Record<keyof ValidationTargets, string>> = {
  query: "query parameter",
  param: "path parameter",
  json: "body field",
  header: "header",
};

/** The validation hook of every route: on failure, 400 `bad_request` naming the bad fields in the message and `details`. */
export function invalidInput(
  result: { target: keyof ValidationTargets; success: boolean; error?: unknown },
  c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issues = fieldIssues(result.error as z.ZodError);
  const names = [...new Set(issues.map((i) => i.path || "(root)"))].join(", ");
  const what = TARGET_NAMES[result.target] ?? result.target;
  return c.json(errorBody("bad_request", `Invalid ${what}: ${names}`, issues), 400);
}

/** A route group whose routes are documented and validated from their zod schemas (`.openapi(createRoute(…), handler)`). */
export function apiRoutes() {
  return new OpenAPIHono<AppEnv>({ defaultHook: invalidInput });
}

/**
 * Reads a JSON body without validating it (the receiver validates): the value, or the 400 to answer
 * for a non-JSON content type or malformed JSON.
 */
export async function jsonInput(c: Context) {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!/^application\/([\w.-]+\+)?json$/.test(type))
    return { ok: false as const, res: c.json(errorBody("bad_request", "Content-Type must be application/json"), 400) };
  try {
    return { ok: true as const, value: (await c.req.json()) as unknown };
  } catch {
    // Malformed JSON is the client's error, answered as such: nothing is swallowed.
    return { ok: false as const, res: c.json(errorBody("bad_request", "Malformed JSON in request body"), 400) };
  }
}
