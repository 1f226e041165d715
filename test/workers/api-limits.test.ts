import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../shared/config/config";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, jsonDepth } from "../../workers/body-guard";
import { api, authHeaders } from "./helpers";

function send(path: string, method: string, body: string, headers: Record<string, string> = {}) {
  return exports.default.fetch(`http://x${path}`, { method, headers: { ...authHeaders(true), ...headers }, body });
}

async function currentConfig() {
  const res = await api("/api/config");
  return { etag: res.headers.get("ETag"), body: (await res.json()) as { version: string } };
}

describe("request body limits", () => {
  it("answers 413 to a body over the size limit, and changes nothing", async () => {
    const before = await currentConfig();
    const res = await send("/api/config", "PATCH", JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect((await currentConfig()).body).toEqual(before.body);
  });

  it("answers 400 to deeply nested JSON instead of overflowing a stack", async () => {
    for (const body of ["[".repeat(50_000), `{"gates":${'{"a":'.repeat(5000)}1${"}".repeat(5001)}`]) {
      const res = await send("/api/config", "PATCH", body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/nests/);
    }
    const ok = await send("/api/control/halt", "POST", JSON.stringify({ reason: "x" }));
    expect(ok.status).toBe(200);
    await api("/api/control/resume", { method: "POST" });
  });

  it("measures depth without parsing, ignoring brackets inside strings", () => {
    expect(jsonDepth('{"a":[{"b":[]}],"c":{}}')).toBe(4);
    expect(jsonDepth('{"a":"[[[{{{\\"[[["}')).toBe(1);
    expect(jsonDepth("[".repeat(MAX_JSON_DEPTH + 1))).toBe(MAX_JSON_DEPTH + 1);
  });
});

describe("conditional config changes", () => {
  it("tags the config with its version and answers 412 to a change based on a stale one", async () => {
    const { etag, body } = await currentConfig();
    expect(etag).toBe(`"${body.version}"`);
    const first = await send("/api/config", "PATCH", JSON.stringify({ gates: { minScore: 83 } }), {
      "If-Match": etag ?? "",
    });
    expect(first.status).toBe(200);
    const next = (await first.json()) as { version: string };
    expect(first.headers.get("ETag")).toBe(`"${next.version}"`);

    const stale = await send("/api/config", "PATCH", JSON.stringify({ gates: { minScore: 84 } }), {
      "If-Match": etag ?? "",
    });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({
      error: { code: "stale_version", details: { currentVersion: next.version } },
    });
    const put = await send("/api/config", "PUT", JSON.stringify(defaultConfig()), { "If-Match": etag ?? "" });
    expect(put.status).toBe(412);
    expect((await currentConfig()).body.version).toBe(next.version);

    const any = await send("/api/config", "PUT", JSON.stringify(defaultConfig()), { "If-Match": "*" });
    expect(any.status).toBe(200);
  });
});

describe("caching", () => {
  it("marks every API answer no-store, errors and /health included", async () => {
    const answers = [
      await api("/api/config"),
      await api("/api/portfolio"),
      await exports.default.fetch("http://x/api/config"),
      await api("/api/nope"),
      await exports.default.fetch("http://x/health"),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 200]);
    for (const r of answers) expect(r.headers.get("Cache-Control")).toBe("no-store");
  });
});
