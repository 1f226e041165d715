/**
 * The Worker's HTTP API (Hono). Routes are chained so that `AppType` carries their types for
 * `hc<AppType>()` clients. Only `/health` exists yet; later issues mount `/api/*` behind a bearer token.
 * @module
 */
import { Hono } from "hono";
import { version } from "../package.json";
import type { Env } from "./env";
import { handleError, handleNotFound } from "./errors";

/** Hono environment of the app: the Worker's bindings. */
export interface AppEnv {
  Bindings: Env;
}

/** The Hono application served by the Worker's `fetch`. */
export const app = new Hono<AppEnv>().get("/health", (c) => c.json({ ok: true as const, version }));

app.notFound(handleNotFound);
app.onError(handleError);

/** Route types of the API, for typed clients. */
export type AppType = typeof app;
