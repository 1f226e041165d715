/**
 * Bearer-token auth of `/api/*`. The token is the `API_TOKEN` secret, read per request; when it is
 * not set the API is closed (503 `not_configured`), never open by default. The token is never echoed.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { AppEnv } from "./env";
import { errorBody } from "./errors";

/** Middleware: 503 without a configured token, 401 without or with a wrong bearer token, else next. */
export const apiAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.env.API_TOKEN;
  if (token === undefined || token === "")
    return c.json(errorBody("not_configured", "API_TOKEN secret is not set"), 503);
  return bearerAuth({ token })(c as unknown as Context, next);
};
