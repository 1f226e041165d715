import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { hc } from "hono/client";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it, vi } from "vitest";
import { version } from "../../package.json";
import { configJsonSchema, configVersion, defaultConfig } from "../../shared/config/config";
import { app, type AppEnv, type AppType } from "../../workers/app";
import { ApiError, handleError, handleNotFound } from "../../workers/errors";
import { TOKEN, api, authHeaders, fakeAgents } from "./helpers";

describe("the HTTP API", () => {
  it("answers /health with ok and the package version", async () => {
    const res = await exports.default.fetch("http://x/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ ok: true, version });
  });

  it("reports the version from package.json as a semver string", () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("answers an unknown route with a JSON 404 in the error shape", async () => {
    const res = await exports.default.fetch("http://x/no/such/route", { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "not_found", message: "No route for POST /no/such/route" },
    });
  });
});

describe("the error handlers", () => {
  const failing = new Hono<AppEnv>()
    .get("/boom", () => {
      throw new Error("secret internals");
    })
    .get("/teapot", () => {
      throw new HTTPException(409, { message: "already running" });
    })
    .get("/domain", () => {
      throw new ApiError(422, "window_too_large", "too many", { max: 1 });
    })
    .get("/auth", () => {
      const res = new Response("nope", { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="api"' } });
      throw new HTTPException(401, { res });
    });
  failing.notFound(handleNotFound);
  failing.onError(handleError);

  it("turns a thrown error into a 500 that hides its message", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await failing.request("/boom", {}, env);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: "internal_error", message: "Internal server error" } });
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
  });

  it("keeps the status and message of an HTTPException", async () => {
    const res = await failing.request("/teapot", {}, env);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: { code: "conflict", message: "already running" } });
  });

  it("answers an ApiError with its own status, code and details", async () => {
    const res = await failing.request("/domain", {}, env);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: { code: "window_too_large", message: "too many", details: { max: 1 } } });
  });

  it("keeps the headers of an HTTPException's response but answers in JSON", async () => {
    const res = await failing.request("/auth", {}, env);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "unauthorized" } });
  });
});

describe("the bearer token", () => {
  it("is required on /api routes", async () => {
    const res = await exports.default.fetch("http://x/api/portfolio");
    expect(res.status).toBe(401);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("must match API_TOKEN, and a wrong one is never echoed", async () => {
    const res = await exports.default.fetch("http://x/api/portfolio", {
      headers: { Authorization: "Bearer wrong-token" },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("wrong-token");
  });

  it("lets the right token through", async () => {
    expect((await api("/api/portfolio")).status).toBe(200);
  });

  it("is not needed for /health", async () => {
    expect((await exports.default.fetch("http://x/health")).status).toBe(200);
  });

  it("closes the API with 503 not_configured when API_TOKEN is unset", async () => {
    const res = await app.request("/api/portfolio", { headers: authHeaders() }, { ...env, API_TOKEN: undefined });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { code: "not_configured", message: "API_TOKEN secret is not set" } });
  });
});

describe("the config API", () => {
  it("answers the current config and version", async () => {
    const body = (await (await api("/api/config")).json()) as { version: string; config: unknown };
    expect(body.version).toMatch(/^v-[0-9a-f]{16}$/);
    expect(body.config).toMatchObject({ mode: "paper" });
  });

  it("rejects an invalid PUT with 422 naming the bad fields and keeps the config", async () => {
    const before = (await (await api("/api/config")).json()) as { version: string };
    const res = await api("/api/config", {
      method: "PUT",
      body: { gates: { minScore: 101 }, portfolio: { maxPositions: 0 } },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { path: string; message: string }[] };
    };
    expect(body.error.code).toBe("invalid_config");
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["gates.minScore", "portfolio.maxPositions"]);
    expect(body.error.message).toContain("gates.minScore");
    expect(((await (await api("/api/config")).json()) as { version: string }).version).toBe(before.version);
  });

  it("answers 400 for malformed JSON and for a body that is not JSON, config unchanged", async () => {
    const before = (await (await api("/api/config")).json()) as { version: string };
    const malformed = await exports.default.fetch("http://x/api/config", {
      method: "PUT",
      headers: authHeaders(true),
      body: "{nope",
    });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()) as unknown).toMatchObject({ error: { code: "bad_request" } });
    const plain = await exports.default.fetch("http://x/api/config", {
      method: "PUT",
      headers: authHeaders(),
      body: "{}",
    });
    expect(plain.status).toBe(400);
    expect(((await (await api("/api/config")).json()) as { version: string }).version).toBe(before.version);
  });

  it("answers a PATCH with the new version and audits when, what and the previous version", async () => {
    const before = (await (await api("/api/config")).json()) as { version: string };
    const t0 = Date.now();
    const res = await api("/api/config", { method: "PATCH", body: { exits: { takeProfitPct: 0.35 } } });
    expect(res.status).toBe(200);
    const change = (await res.json()) as {
      version: string;
      previousVersion: string;
      at: number;
      config: { exits: { takeProfitPct: number } };
    };
    expect(change.previousVersion).toBe(before.version);
    expect(change.version).not.toBe(before.version);
    expect(change.config.exits.takeProfitPct).toBe(0.35);
    const audit = (await (await api("/api/config/audit?limit=1")).json()) as { entries: unknown[] };
    expect(audit.entries).toEqual([
      {
        at: change.at,
        version: change.version,
        previousVersion: before.version,
        kind: "patch",
        change: { exits: { takeProfitPct: 0.35 } },
      },
    ]);
    expect(change.at).toBeGreaterThanOrEqual(t0);
    const mirrored = await env.DB.prepare(
      "SELECT previous_version AS prev, kind FROM config_audit WHERE version = ? AND at = ?",
    )
      .bind(change.version, change.at)
      .first();
    expect(mirrored).toEqual({ prev: before.version, kind: "patch" });
  });

  it("replaces the whole config on PUT", async () => {
    const res = await api("/api/config", { method: "PUT", body: defaultConfig() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { version: string }).version).toBe(configVersion(defaultConfig()));
  });

  it("refuses a PUT that is not the whole config instead of resetting settings to their defaults", async () => {
    await api("/api/config", { method: "PATCH", body: { gates: { minScore: 90 } } });
    const before = await (await api("/api/config")).json();
    const res = await api("/api/config", { method: "PUT", body: {} });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path)).toEqual(Object.keys(defaultConfig()));
    expect(await (await api("/api/config")).json()).toEqual(before);
  });

  it("publishes the config JSON Schema", async () => {
    expect(await (await api("/api/config/schema")).json()).toEqual(configJsonSchema());
  });
});

describe("the symbol API", () => {
  const withAgents = (agents: ReturnType<typeof fakeAgents>) => ({ ...env, SYMBOL_AGENT: agents.namespace });

  it("answers 404 not_found for a symbol never started", async () => {
    const res = await api("/api/symbols/NEVERUSDT");
    expect(res.status).toBe(404);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "not_found" } });
    expect((await api("/api/symbols/NEVERUSDT/stop", { method: "POST" })).status).toBe(404);
  });

  it("answers 400 for a malformed symbol", async () => {
    const res = await api("/api/symbols/btcusdt/start", { method: "POST" });
    expect(res.status).toBe(400);
    expect((await res.json()) as unknown).toMatchObject({
      error: { code: "bad_request", details: [{ path: "symbol" }] },
    });
  });

  it("starts a symbol: enables it in the Coordinator and calls the agent's start", async () => {
    const agents = fakeAgents();
    const res = await app.request(
      "/api/symbols/SOLUSDT/start",
      { method: "POST", headers: authHeaders() },
      withAgents(agents),
    );
    expect(res.status).toBe(200);
    expect((await res.json()) as unknown).toMatchObject({
      symbol: "SOLUSDT",
      enabled: true,
      status: { running: true },
    });
    expect(agents.calls).toEqual(["SOLUSDT.start"]);
    expect(await env.COORDINATOR.getByName("portfolio").symbols()).toContainEqual({ symbol: "SOLUSDT", enabled: true });
  });

  it("stops a symbol: disables it and calls the agent's stop", async () => {
    const agents = fakeAgents();
    await app.request("/api/symbols/ADAUSDT/start", { method: "POST", headers: authHeaders() }, withAgents(agents));
    const res = await app.request(
      "/api/symbols/ADAUSDT/stop",
      { method: "POST", headers: authHeaders() },
      withAgents(agents),
    );
    expect(res.status).toBe(200);
    expect(agents.calls).toEqual(["ADAUSDT.start", "ADAUSDT.stop"]);
    expect(await env.COORDINATOR.getByName("portfolio").symbols()).toContainEqual({
      symbol: "ADAUSDT",
      enabled: false,
    });
  });

  it("answers 502 agent_error naming the agent when its RPC fails, and keeps the symbol enabled", async () => {
    const agents = fakeAgents(["DOGEUSDT"]);
    const res = await app.request(
      "/api/symbols/DOGEUSDT/start",
      { method: "POST", headers: authHeaders() },
      withAgents(agents),
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: {
        code: "agent_error",
        message: "agent DOGEUSDT failed start(): DOGEUSDT exploded",
        details: { symbol: "DOGEUSDT", method: "start" },
      },
    });
    expect(await env.COORDINATOR.getByName("portfolio").symbols()).toContainEqual({
      symbol: "DOGEUSDT",
      enabled: true,
    });
  });

  it("lists every symbol with its agent's status or its error", async () => {
    const agents = fakeAgents(["DOGEUSDT"]);
    const res = await app.request("/api/symbols", { headers: authHeaders() }, withAgents(agents));
    const body = (await res.json()) as {
      symbols: { symbol: string; enabled: boolean; status: unknown; error: string | null }[];
    };
    const doge = body.symbols.find((s) => s.symbol === "DOGEUSDT");
    const sol = body.symbols.find((s) => s.symbol === "SOLUSDT");
    expect(doge).toMatchObject({ enabled: true, status: null, error: expect.stringContaining("DOGEUSDT exploded") });
    expect(sol).toMatchObject({ enabled: true, status: { symbol: "SOLUSDT" }, error: null });
  });

  it("routes GET /api/symbols/:symbol to the real agent's status()", async () => {
    await env.COORDINATOR.getByName("portfolio").setSymbolEnabled("XRPUSDT", false);
    const res = await api("/api/symbols/XRPUSDT");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { symbol: string; enabled: boolean; status: unknown };
    expect(body).toMatchObject({ symbol: "XRPUSDT", enabled: false });
    expect(body.status).toEqual(expect.any(Object));
  });
});

describe("the OpenAPI document", () => {
  it("lists every route of the app with its method", async () => {
    const doc = (await (await api("/api/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = app.routes.filter((r) => r.method !== "ALL");
    expect(routes.length).toBeGreaterThan(15);
    for (const r of routes) {
      const path = r.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "") || "/";
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
  });
});

describe("the typed client", () => {
  const client = hc<AppType>("http://x", {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(input, init),
    headers: { Authorization: `Bearer ${TOKEN}` },
  });

  it("reads the config with types from AppType", async () => {
    const res = await client.api.config.$get();
    if (res.status !== 200) throw new Error(`status ${res.status}`);
    const body = await res.json();
    expect(body.version).toMatch(/^v-/);
    if (body.error !== null) throw new Error(body.error);
    expect(body.config.gates.minScore).toBeGreaterThan(0);
  });

  it("passes typed query parameters", async () => {
    const res = await client.api.trades.$get({ query: { limit: "2" } });
    if (!res.ok) throw new Error(`status ${res.status}`);
    const body = await res.json();
    expect(body.nextCursor === null || typeof body.nextCursor === "string").toBe(true);
  });
});
