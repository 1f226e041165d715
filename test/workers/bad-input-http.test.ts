/**
 * Issue #15's HTTP defects, asked as a user would (docs/issue-evidence.md): only the Worker's fetch,
 * the Coordinator's storage key `config` and `abortAllDurableObjects`, so that the same file runs on
 * the commit the issue was filed against and shows each defect there.
 * @module
 */
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { defaultConfig } from "../../shared/config/config";
import { api, authHeaders } from "./helpers";

/** The PATCH of issue #15 that answered 500, was saved, and bricked the Coordinator after a restart. */
const BRICKING = { portfolio: { correlationWindowMs: 5000, correlationReturnMs: 5000 } };

interface ConfigBody {
  version: string;
  config: Record<string, unknown>;
}

async function currentConfig(): Promise<ConfigBody> {
  return (await (await api("/api/config")).json()) as ConfigBody;
}

function send(path: string, method: string, body: string): Promise<Response> {
  return exports.default.fetch(`http://x${path}`, { method, headers: authHeaders(true), body });
}

/** Writes a config record straight into the Coordinator's storage, as an older release might have, and restarts it. */
async function storeAndRestart(config: unknown): Promise<void> {
  await runInDurableObject(env.COORDINATOR.getByName("portfolio"), (_: object, state: DurableObjectState) =>
    state.storage.kv.put("config", { config, version: "v-stored" }),
  );
  await abortAllDurableObjects();
}

afterEach(async () => {
  await storeAndRestart(defaultConfig());
});

describe("config changes that would break an object (issue #15)", () => {
  it("refuses the correlation PATCH that bricked the Coordinator with 422, and keeps the config", async () => {
    const before = await currentConfig();
    const res = await api("/api/config", { method: "PATCH", body: BRICKING });
    expect(res.status).toBe(422);
    expect((await currentConfig()).version).toBe(before.version);
  });

  it("refuses a VWAP window the engine cannot build (1.5 s) with 422", async () => {
    const res = await api("/api/config", { method: "PATCH", body: { indicators: { vwapWindowsMs: [1500] } } });
    expect(res.status).toBe(422);
  });

  it("refuses a time field beyond any sensible bound (a hold of 30,000 years) with 422", async () => {
    const res = await api("/api/config", { method: "PATCH", body: { exits: { maxHoldMs: 1e15 } } });
    expect(res.status).toBe(422);
  });

  it("refuses PUT {} instead of resetting every setting to its default", async () => {
    await api("/api/config", { method: "PATCH", body: { gates: { minScore: 91 } } });
    const before = await currentConfig();
    const res = await api("/api/config", { method: "PUT", body: {} });
    expect(res.status).toBe(422);
    expect(await currentConfig()).toEqual(before);
  });

  it("answers 412 to a change based on a version that is no longer current", async () => {
    const stale = (await currentConfig()).version;
    expect((await api("/api/config", { method: "PATCH", body: { gates: { minScore: 92 } } })).status).toBe(200);
    const res = await exports.default.fetch("http://x/api/config", {
      method: "PATCH",
      headers: { ...authHeaders(true), "If-Match": `"${stale}"` },
      body: JSON.stringify({ gates: { minScore: 93 } }),
    });
    expect(res.status).toBe(412);
  });
});

describe("request bodies no route should ever answer with a 500 (issue #15)", () => {
  it("answers 400 to deeply nested JSON, not 500", async () => {
    // 10,000 levels in 60 kB: under any sensible size limit, so only a nesting check can refuse it.
    const deep = `{"gates":${'{"a":'.repeat(10_000)}1${"}".repeat(10_001)}`;
    const res = await send("/api/config", "PATCH", deep);
    expect(res.status).toBe(400);
  });

  it("answers 413 to a body of a megabyte", async () => {
    const big = JSON.stringify({ gates: { minScore: 50 }, pad: "x".repeat(1024 * 1024) });
    const res = await send("/api/config", "PATCH", big);
    expect(res.status).toBe(413);
  });
});

describe("the OpenAPI document (issue #15)", () => {
  it("describes what every route answers with a schema that has properties, not a bare object", async () => {
    const doc = (await (
      await exports.default.fetch("http://x/api/openapi.json", { headers: authHeaders() })
    ).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
      >;
    };
    const bare: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const ok = op.responses["200"] ?? op.responses["201"];
        const schema = ok?.content?.["application/json"]?.schema;
        if (schema && JSON.stringify(schema) === '{"type":"object"}') bare.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(Object.keys(doc.paths).length).toBeGreaterThan(5);
    expect(bare).toEqual([]);
  });
});

describe("a stored config that no longer loads (issue #15)", () => {
  const broken = { ...defaultConfig(), portfolio: { ...defaultConfig().portfolio, ...BRICKING.portfolio } };

  it("still takes halt, flatten and a fixing PATCH, and /health says it is degraded until the fix", async () => {
    await storeAndRestart(broken);
    // One object of every answer, so that a failure shows all of them at once.
    const answers = {
      healthWhileBroken: (await exports.default.fetch("http://x/health")).status,
      halt: (await api("/api/control/halt", { method: "POST", body: {} })).status,
      flatten: (await api("/api/control/flatten", { method: "POST" })).status,
      fix: (await api("/api/config", { method: "PATCH", body: { portfolio: { correlationWindowMs: 900_000 } } }))
        .status,
      healthAfterFix: (await exports.default.fetch("http://x/health")).status,
    };
    expect(answers).toEqual({ healthWhileBroken: 503, halt: 200, flatten: 200, fix: 200, healthAfterFix: 200 });
    await api("/api/control/resume", { method: "POST" });
  });
});
