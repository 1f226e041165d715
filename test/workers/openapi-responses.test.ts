/**
 * The OpenAPI document against the real API: every route and method is called with real requests
 * (accepted ones and each refusal it documents), and every answer's status must be documented for
 * that operation and its JSON body must match the document's schema for that status. A route the
 * calls miss, an undocumented status or a body that drifts from its schema fails the test.
 * @module
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { defaultConfig } from "../../shared/config/config";
import { app } from "../../workers/app";
import { authHeaders, tradeRow } from "./helpers";
import { schemaProblems } from "./json-schema-check";

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** One call: method, path template (as in the document), concrete path, body, extra headers. */
interface Call {
  readonly method: string;
  readonly template: string;
  readonly path?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly auth?: boolean;
}

const big = JSON.stringify({ pad: "x".repeat(70_000) });

/** The calls, in order: accepted ones and the refusals each route documents. */
function calls(staleVersion: string): Call[] {
  const json = (body: unknown) => JSON.stringify(body);
  return [
    { method: "get", template: "/health", auth: false },
    { method: "get", template: "/api/openapi.json", auth: false },
    { method: "get", template: "/api/docs", auth: false },
    { method: "get", template: "/api/stats" },
    { method: "get", template: "/api/stats", path: "/api/stats?from=yesterday" },
    { method: "get", template: "/api/stats", path: "/api/stats", auth: false },
    { method: "get", template: "/api/trades" },
    { method: "get", template: "/api/trades", path: "/api/trades?limit=1" },
    { method: "get", template: "/api/trades", path: "/api/trades?limit=0" },
    { method: "get", template: "/api/equity" },
    { method: "get", template: "/api/equity", path: "/api/equity?maxPoints=1" },
    { method: "get", template: "/api/portfolio" },
    { method: "post", template: "/api/symbols/{symbol}/start", path: "/api/symbols/BTCUSDT/start" },
    { method: "post", template: "/api/symbols/{symbol}/start", path: "/api/symbols/btc/start" },
    { method: "get", template: "/api/symbols" },
    { method: "get", template: "/api/symbols/{symbol}", path: "/api/symbols/BTCUSDT" },
    { method: "get", template: "/api/symbols/{symbol}", path: "/api/symbols/NEVERUSDT" },
    { method: "post", template: "/api/symbols/{symbol}/stop", path: "/api/symbols/BTCUSDT/stop" },
    { method: "post", template: "/api/symbols/{symbol}/stop", path: "/api/symbols/NEVERUSDT/stop" },
    { method: "get", template: "/api/config" },
    { method: "put", template: "/api/config", body: json(defaultConfig()) },
    { method: "put", template: "/api/config", body: "{}" },
    { method: "put", template: "/api/config", body: "{nope" },
    { method: "put", template: "/api/config", body: big },
    { method: "patch", template: "/api/config", body: json({ gates: { minScore: 81 } }) },
    { method: "patch", template: "/api/config", body: json({ gates: { minScore: "high" } }) },
    {
      method: "patch",
      template: "/api/config",
      body: json({ gates: { minScore: 82 } }),
      headers: { "If-Match": `"${staleVersion}"` },
    },
    { method: "get", template: "/api/config/audit" },
    { method: "get", template: "/api/config/audit", path: "/api/config/audit?limit=x" },
    { method: "get", template: "/api/config/schema" },
    { method: "post", template: "/api/control/halt", body: json({ reason: "response test" }) },
    { method: "post", template: "/api/control/halt", body: json({ why: "x" }) },
    { method: "post", template: "/api/control/resume" },
    { method: "post", template: "/api/control/flatten" },
    { method: "post", template: "/api/control/resume" },
    { method: "get", template: "/api/notifications" },
    { method: "post", template: "/api/notifications/test" },
  ];
}

let doc: Document;

beforeAll(async () => {
  await insertTrades(ledgerDb(env.DB), [tradeRow(1, { exitTime: Date.now() - 3_600_000 }), tradeRow(2)]);
  const res = await exports.default.fetch("http://x/api/openapi.json");
  doc = (await res.json()) as Document;
});

describe("every answer of the API against the OpenAPI document", () => {
  it("documents each status it answers and each body matches that status's schema", async () => {
    const stale = (
      (await (await exports.default.fetch("http://x/api/config", { headers: authHeaders() })).json()) as {
        version: string;
      }
    ).version;
    const problems: string[] = [];
    const seen: Record<string, Set<number>> = {};
    for (const call of calls(stale)) {
      const headers: Record<string, string> = { ...(call.auth === false ? {} : authHeaders(call.body !== undefined)) };
      Object.assign(headers, call.headers);
      const res = await exports.default.fetch(`http://x${call.path ?? call.template}`, {
        method: call.method.toUpperCase(),
        headers,
        body: call.body,
      });
      const name = `${call.method.toUpperCase()} ${call.path ?? call.template} → ${res.status}`;
      const key = `${call.method} ${call.template}`;
      (seen[key] ??= new Set()).add(res.status);
      const operation = doc.paths[call.template]?.[call.method];
      const documented = operation?.responses[String(res.status)];
      if (documented === undefined) {
        problems.push(`${name}: status not in the document`);
        await res.arrayBuffer();
        continue;
      }
      const type = (res.headers.get("content-type") ?? "").split(";")[0];
      const schema = documented.content?.[type]?.schema;
      if (schema === undefined) {
        problems.push(`${name}: content type ${type} not documented`);
        await res.arrayBuffer();
        continue;
      }
      if (type !== "application/json") {
        await res.arrayBuffer();
        continue;
      }
      problems.push(...schemaProblems(schema, await res.json(), doc.components.schemas).map((p) => `${name}: ${p}`));
    }
    expect(problems).toEqual([]);
    // Every operation of the document was called, and the refusals really happened.
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(operations.filter((op) => seen[op] === undefined)).toEqual([]);
    const statuses = new Set(Object.values(seen).flatMap((s) => [...s]));
    for (const status of [200, 202, 400, 401, 404, 412, 413, 422])
      expect(statuses, `status ${status}`).toContain(status);
    await env.COORDINATOR.getByName("portfolio").putConfig(defaultConfig());
  });

  it("lists every route of the app", () => {
    for (const r of app.routes.filter((x) => x.method !== "ALL")) {
      const path = r.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "") || "/";
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeDefined();
    }
  });

  it("describes the config body with the BotConfig component generated from the config's own schema", () => {
    const put = doc.paths["/api/config"].put as unknown as {
      requestBody: { content: Record<string, { schema: unknown }> };
    };
    expect(put.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/BotConfig" });
    const botConfig = doc.components.schemas.BotConfig as { properties: Record<string, unknown> };
    expect(Object.keys(botConfig.properties).sort()).toEqual(Object.keys(defaultConfig()).sort());
  });

  it("never gives an error response a schema other than the error shape", () => {
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        for (const [status, r] of Object.entries(op.responses))
          if (Number(status) >= 400 && path !== "/health")
            expect(r.content?.["application/json"]?.schema, `${method} ${path} ${status}`).toEqual({
              $ref: "#/components/schemas/Error",
            });
  });

  it("serves the interactive reference pointing at the document, without the token", async () => {
    const res = await exports.default.fetch("http://x/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("/api/openapi.json");
  });
});
