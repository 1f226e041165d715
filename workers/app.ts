/**
 * The Worker's HTTP API (Hono). `/health` is open; everything under `/api` needs the bearer token.
 * Route groups are chained so that `AppType` carries their types for `hc<AppType>()` clients.
 * @module
 */
import { Hono } from "hono";
import { version } from "../package.json";
import { apiAuth } from "./auth";
import type { AppEnv } from "./env";
import { handleError, handleNotFound } from "./errors";
import { openApiDocument } from "./openapi";
import { configRoutes } from "./routes/config";
import { controlRoutes } from "./routes/control";
import { equityRoutes } from "./routes/equity";
import { notificationRoutes } from "./routes/notifications";
import { portfolioRoutes } from "./routes/portfolio";
import { statsRoutes } from "./routes/stats";
import { symbolRoutes } from "./routes/symbols";
import { tradeRoutes } from "./routes/trades";

export type { AppEnv } from "./env";

/** The Hono application served by the Worker's `fetch`. */
export const app = new Hono<AppEnv>()
  .get("/health", (c) => c.json({ ok: true as const, version }))
  .use("/api/*", apiAuth)
  .route("/api/stats", statsRoutes)
  .route("/api/trades", tradeRoutes)
  .route("/api/symbols", symbolRoutes)
  .route("/api/config", configRoutes)
  .route("/api/control", controlRoutes)
  .route("/api/portfolio", portfolioRoutes)
  .route("/api/equity", equityRoutes)
  .route("/api/notifications", notificationRoutes)
  .get("/api/openapi.json", (c) => c.json(openApiDocument()));

app.notFound(handleNotFound);
app.onError(handleError);

/** Route types of the API, for typed clients (`hc<AppType>(baseUrl)` from `hono/client`). */
export type AppType = typeof app;
