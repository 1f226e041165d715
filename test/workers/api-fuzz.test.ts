/**
 * Fuzz of the whole API: seeded bodies, queries and paths against every route and method. No
 * answer may be a 5xx, and after every refusal (4xx) the account's state (config and version,
 * portfolio, symbol list) must be what it was before the request.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../shared/config/config";
import { randomConfigCandidate, sampleOf } from "../../shared/config/testing/random-config";
import { createPrng, type Prng } from "../../shared/research/prng";
import { COORDINATOR_NAME } from "../../durable-objects/agent-rpc";
import { app } from "../../workers/app";
import { authHeaders, fakeAgents } from "./helpers";

const SEED = 1515;
const REQUESTS = 1200;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function pick<T>(rand: Prng, values: readonly T[]): T {
  return values[Math.floor(rand() * values.length)];
}

/** A JSON value of any kind, nested at most `depth` deep. */
function anyJson(rand: Prng, depth: number): unknown {
  const r = rand();
  if (depth <= 0 || r < 0.5)
    return pick(rand, [
      null,
      true,
      0,
      -1,
      1e308,
      -0.5,
      "",
      "x",
      "BTCUSDT",
      "1970-01-01",
      "💥",
      "a".repeat(300),
      Number.MAX_SAFE_INTEGER,
    ]);
  if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => anyJson(rand, depth - 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rand() * 4); i > 0; i--)
    out[pick(rand, ["gates", "mode", "reason", "portfolio", "__proto__", "constructor", "x", "symbols"])] = anyJson(
      rand,
      depth - 1,
    );
  return out;
}

/** A config-shaped body: a candidate config, then one leaf broken (wrong type, out of range, unknown key) or not. */
function configish(rand: Prng): unknown {
  const c = randomConfigCandidate(rand) as Record<string, Record<string, unknown>>;
  const section = pick(rand, Object.keys(c));
  const r = rand();
  if (r < 0.3 && typeof c[section] === "object" && c[section] !== null) {
    const key = pick(rand, Object.keys(c[section]));
    c[section][key] = anyJson(rand, 2);
  } else if (r < 0.45) c[section] = anyJson(rand, 2) as Record<string, unknown>;
  else if (r < 0.55) (c as Record<string, unknown>)[`unknown${Math.floor(rand() * 9)}`] = 1;
  if (rand() < 0.5) return { [section]: c[section] };
  return c;
}

/** A request body as text (or none), and its content type. */
function bodyOf(rand: Prng): { body?: string; type?: string } {
  const r = rand();
  if (r < 0.1) return {};
  if (r < 0.5) return { body: JSON.stringify(configish(rand)), type: "application/json" };
  if (r < 0.75) return { body: JSON.stringify(anyJson(rand, 4)), type: "application/json" };
  if (r < 0.8) return { body: "[".repeat(1 + Math.floor(rand() * 5000)), type: "application/json" };
  if (r < 0.85) return { body: `{"gates":${"[".repeat(40)}`, type: "application/json" };
  if (r < 0.9) return { body: "x".repeat(Math.floor(rand() * 70_000)), type: "application/json" };
  if (r < 0.95)
    return { body: '{"reason":"fuzz"}', type: pick(rand, ["text/plain", "application/x-www-form-urlencoded"]) };
  return { body: "{not json", type: "application/json" };
}

/** A value for a path parameter or a query parameter. */
function segmentOf(rand: Prng): string {
  return pick(rand, [
    "BTCUSDT",
    "FUZZUSDT",
    "btcusdt",
    "XRPETH",
    "%00",
    "..",
    "A".repeat(40),
    "-1",
    "0",
    "2025-13-40",
    "1700000000000",
    "NaN",
    "%F0%9F%92%A5",
    String(sampleOf({ type: "integer", minimum: -1e6, maximum: 1e13 }, rand)),
  ]);
}

function queryOf(rand: Prng): string {
  if (rand() < 0.4) return "";
  const keys = ["from", "to", "limit", "cursor", "symbol", "maxPoints", "x"];
  const parts = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => `${pick(rand, keys)}=${segmentOf(rand)}`);
  return `?${parts.join("&")}`;
}

/** Every route of the app as a path template and its method (middleware excluded). */
function routes(): { method: string; path: string }[] {
  const seen = new Set<string>();
  return app.routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`) !== undefined);
}

async function stateOf() {
  const c = env.COORDINATOR.getByName(COORDINATOR_NAME);
  const [config, portfolio, symbols] = await Promise.all([c.configState(), c.portfolio(), c.symbols()]);
  return JSON.stringify({ config, portfolio, symbols });
}

describe("the API under fuzzing", () => {
  it(`answers ${REQUESTS} seeded requests across every route and method without a 5xx, changing nothing when it refuses`, async () => {
    const rand = createPrng(SEED);
    const all = routes();
    expect(all.length).toBeGreaterThan(15);
    const testEnv = { ...env, SYMBOL_AGENT: fakeAgents().namespace };
    const statuses: Record<number, number> = {};
    const failures: string[] = [];
    let before = await stateOf();
    for (let i = 0; i < REQUESTS; i++) {
      const route = all[i % all.length];
      const method = rand() < 0.8 ? route.method : pick(rand, METHODS);
      const path = route.path.replace(/:\w+/g, () => segmentOf(rand)) + queryOf(rand);
      const { body, type } = method === "GET" ? {} : bodyOf(rand);
      const headers: Record<string, string> = rand() < 0.97 ? authHeaders() : {};
      if (type !== undefined) headers["Content-Type"] = type;
      if (rand() < 0.2) headers["If-Match"] = pick(rand, ['"v-0000000000000000"', "*", "garbage", 'W/"x"']);
      const ctx = createExecutionContext();
      const res = await app.request(path, { method, headers, body }, testEnv, ctx);
      await res.arrayBuffer();
      await waitOnExecutionContext(ctx);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const after = await stateOf();
      if (res.status >= 500) failures.push(`${res.status} ${method} ${path} ${body?.slice(0, 200)}`);
      else if (res.status >= 400 && after !== before)
        failures.push(`${res.status} ${method} ${path} changed state: ${body?.slice(0, 200)}`);
      before = after;
    }
    expect(failures).toEqual([]);
    // The fuzz must reach both sides: refusals and accepted changes.
    expect(Object.keys(statuses).some((s) => Number(s) >= 400)).toBe(true);
    expect(statuses[200]).toBeGreaterThan(50);
    // Leave the account as the other tests expect it.
    await env.COORDINATOR.getByName(COORDINATOR_NAME).putConfig(defaultConfig());
  }, 180_000);
});
