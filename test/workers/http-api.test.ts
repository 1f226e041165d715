import { env, exports } from "cloudflare:workers";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it, vi } from "vitest";
import { version } from "../../package.json";
import type { AppEnv } from "../../workers/app";
import { handleError, handleNotFound } from "../../workers/errors";

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

  it("keeps the headers of an HTTPException's response but answers in JSON", async () => {
    const res = await failing.request("/auth", {}, env);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: { code: "unauthorized", message: "unauthorized" } });
  });
});
