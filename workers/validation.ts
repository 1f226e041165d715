/**
 * Request validation in the API's error shape: zod schemas for query, path and JSON input whose
 * failures answer 400 naming every bad field, and a raw JSON body reader that insists on
 * `Content-Type: application/json` (without it Hono would read the body as `{}`).
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
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
};

/** Validates `target` with `schema`; on failure answers 400 `bad_request` naming the bad fields in the message and `details`. */
export function validate<Target extends "query" | "param" | "json", T extends z.ZodType>(target: Target, schema: T) {
  return zValidator(target, schema, (result, c) => {
    if (result.success) return;
    const issues = fieldIssues(result.error as unknown as z.ZodError);
    const names = [...new Set(issues.map((i) => i.path || "(root)"))].join(", ");
    return c.json(errorBody("bad_request", `Invalid ${TARGET_NAMES[target]}: ${names}`, issues), 400);
  });
}

/** Reads a JSON body as `T` without validating it (the receiver validates); 400 on a non-JSON content type or malformed JSON. */
export function jsonBody<T>() {
  return validator("json", (value, c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type))
      return c.json(errorBody("bad_request", "Content-Type must be application/json"), 400);
    return value as T;
  });
}
