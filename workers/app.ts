/**
 * The Worker's HTTP API (Hono with `@hono/zod-openapi`). `/health`, the OpenAPI document and its
 * reference are open (`/health` answers 503 `degraded` when the Coordinator does not load);
 * everything else under `/api` needs the bearer token and has its bodies limited. No answer is cached.
 * Route groups are chained so that `AppType` carries their types for `hc<AppType>()` clients.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Context, Next } from "hono";
import { version } from "../package.json";
import { coordinatorOf } from "../durable-objects/agent-rpc";
import { apiAuth } from "./auth";
import { bodyGuard } from "./body-guard";
import type { AppEnv, Env } from "./env";
import { handleError, handleNotFound } from "./errors";
import { documentRoute, openApiDocument, referenceRoute } from "./openapi";
import { configRoutes } from "./routes/config";
import { controlRoutes } from "./routes/control";
import { equityRoutes } from "./routes/equity";
import { notificationRoutes } from "./routes/notifications";
import { portfolioRoutes } from "./routes/portfolio";
import { statsRoutes } from "./routes/stats";
import { symbolRoutes } from "./routes/symbols";
import { tradeRoutes } from "./routes/trades";
import { jsonResponse } from "./schemas/error-schema";
import { apiRoutes } from "./validation";

export type { AppEnv } from "./env";

/** Bound on the Coordinator's answer to `/health`, ms. */
export const HEALTH_TIMEOUT_MS = 5_000;

const health = createRoute({
  method: "get",
  path: "/health",
  summary: "Liveness and version (no auth); 503 `degraded` when the Coordinator does not load or answer",
  security: [],
  responses: {
    200: jsonResponse("Up", z.strictObject({ ok: z.literal(true), version: z.string() })),
    503: jsonResponse(
      "Degraded: `coordinator` says why",
      z.strictObject({
        ok: z.literal(false),
        version: z.string(),
        status: z.literal("degraded"),
        coordinator: z.string(),
      }),
    ),
  },
});

const reference = Scalar({ url: "/api/openapi.json", pageTitle: "edge-scalper API" });

const api = apiRoutes();
api.use("*", noStore);

/** The Hono application served by the Worker's `fetch`. */
export const app = api
  .openapi(health, async (c) => {
    const coordinator = await coordinatorHealth(c.env);
    if (coordinator === null) return c.json({ ok: true as const, version }, 200);
    return c.json({ ok: false as const, version, status: "degraded" as const, coordinator }, 503);
  })
  // Public before the token check: the document and its reference describe the API and hold no data.
  .openapi(documentRoute, (c) => c.json(openApiDocument(api), 200))
  .openapi(referenceRoute, async (c) => {
    // Scalar types its context with Hono's default env; it reads nothing from ours.
    const page = await reference(c as unknown as Context, async () => {});
    if (!page) throw new Error("the API reference rendered no page");
    return page;
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
  .route("/api/notifications", notificationRoutes);

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
