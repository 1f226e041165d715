/**
 * The Worker's HTTP API (Hono). `/health` is open (503 `degraded` when the Coordinator does not
 * load); everything under `/api` needs the bearer token and has its bodies limited. No answer is cached.
 * Route groups are chained so that `AppType` carries their types for `hc<AppType>()` clients.
 * @module
 */
import { type Context, Hono, type Next } from "hono";
import { version } from "../package.json";
import { coordinatorOf } from "../durable-objects/agent-rpc";
import { apiAuth } from "./auth";
import { bodyGuard } from "./body-guard";
import type { AppEnv, Env } from "./env";
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

/** Bound on the Coordinator's answer to `/health`, ms. */
export const HEALTH_TIMEOUT_MS = 5_000;

/** The Hono application served by the Worker's `fetch`. */
export const app = new Hono<AppEnv>()
  .use("*", noStore)
  .get("/health", async (c) => {
    const coordinator = await coordinatorHealth(c.env);
    if (coordinator === null) return c.json({ ok: true as const, version }, 200);
    return c.json({ ok: false as const, version, status: "degraded" as const, coordinator }, 503);
  })
  .use("/api/*", apiAuth)
  .use("/api/*", bodyGuard)
  .route("/api/stats", statsRoutes)
  .route("/api/trades", tradeRoutes)
  .route("/api/symbols", symbolRoutes)
  .route("/api/config", configRoutes)
  .route("/api/control", controlRoutes)
  .route("/api/portfolio", portfolioRoutes)
  .route("/api/equity", equityRoutes)
  .route("/api/notifications", notificationRoutes)
  .get("/api/openapi.json", (c) => c.json(openApiDocument()));

/** Middleware: API answers are never cached (state changes under them; some carry account data). */
async function noStore(c: Context<AppEnv>, next: Next): Promise<void> {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
}

/** Null when the Coordinator loads and answers; else why not. */
async function coordinatorHealth(env: Env): Promise<string | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer in ${HEALTH_TIMEOUT_MS} ms`), HEALTH_TIMEOUT_MS);
  });
  const answer = coordinatorOf(env)
    .configState()
    .then(
      (s) => s.error,
      (err: unknown) => `unreachable: ${err instanceof Error ? err.message : String(err)}`,
    );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

app.notFound(handleNotFound);
app.onError(handleError);

/** Route types of the API, for typed clients (`hc<AppType>(baseUrl)` from `hono/client`). */
export type AppType = typeof app;
