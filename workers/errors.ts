/**
 * The API's error shape, `{ "error": { "code", "message", "details"? } }`, and the Hono handlers
 * that turn unknown routes and thrown errors into it, so every failure a client sees is JSON.
 * @module
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AgentCallError } from "../durable-objects/agent-rpc";

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const CODES: Readonly<Record<number, string>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  422: "unprocessable",
  429: "rate_limited",
  500: "internal_error",
  502: "bad_gateway",
  503: "unavailable",
};

/** Machine-readable code for an HTTP status (`http_<status>` when the API defines none). */
export function errorCode(status: number): string {
  return CODES[status] ?? `http_${status}`;
}

/** Builds the error body; `details` is omitted when undefined. */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  if (details === undefined) return { error: { code, message } };
  return { error: { code, message, details } };
}

/** JSON error response with the given status. */
export function errorResponse(c: Context, status: ContentfulStatusCode, message: string, details?: unknown): Response {
  return c.json(errorBody(errorCode(status), message, details), status);
}

/** A domain error a route throws to answer with a given status, code, message and details. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: unknown;

  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** `app.notFound`: 404 in the error shape, naming the method and path. */
export const handleNotFound: NotFoundHandler = (c) =>
  errorResponse(c, 404, `No route for ${c.req.method} ${c.req.path}`);

/**
 * `app.onError`: an {@link ApiError} answers with its own status, code and details; an
 * `HTTPException` keeps its status, message and headers (e.g. `WWW-Authenticate` from bearer auth);
 * an agent RPC failure is a 502 (503 on timeout) naming the agent; anything else is logged and
 * answered with a 500 that reveals no internals.
 */
export const handleError: ErrorHandler = (err, c) => {
  if (err instanceof ApiError) return c.json(errorBody(err.code, err.message, err.details), err.status);
  if (err instanceof AgentCallError) {
    const status = err.timedOut ? 503 : 502;
    return c.json(
      errorBody(err.timedOut ? "agent_timeout" : "agent_error", err.message, {
        symbol: err.symbol,
        method: err.method,
      }),
      status,
    );
  }
  if (err instanceof HTTPException) {
    const res = errorResponse(c, err.status, err.message || defaultMessage(err.status));
    err.res?.headers.forEach((value, key) => {
      if (key.toLowerCase() !== "content-type" && key.toLowerCase() !== "content-length") res.headers.set(key, value);
    });
    return res;
  }
  console.error(JSON.stringify({ event: "unhandled_error", path: c.req.path, error: String(err) }));
  return errorResponse(c, 500, "Internal server error");
};

function defaultMessage(status: number): string {
  return errorCode(status).replace(/_/g, " ");
}
