import { describe, expect, it } from "vitest";
import { ApiFailure, createApi } from "./api";

function stub(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as unknown as typeof globalThis.fetch;
  return { calls, fetch };
}

describe("the API client", () => {
  it("sends the token in the Authorization header only, never in the URL", async () => {
    const s = stub(200, { ok: 1 });
    const api = createApi({ token: () => "s3cret", onUnauthorized: () => {}, fetch: s.fetch });
    expect(await api.get("/api/portfolio")).toEqual({ ok: 1 });
    expect(s.calls[0].url).toBe("/api/portfolio");
    expect((s.calls[0].init.headers as Record<string, string>).Authorization).toBe("Bearer s3cret");
  });

  it("sends a JSON body with its content type", async () => {
    const s = stub(200, {});
    await createApi({ token: () => "t", onUnauthorized: () => {}, fetch: s.fetch }).send("PATCH", "/api/config", {
      gates: { minScore: 70 },
    });
    expect(s.calls[0].init.method).toBe("PATCH");
    expect(s.calls[0].init.body).toBe('{"gates":{"minScore":70}}');
    expect((s.calls[0].init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("sends the config version a change is based on as If-Match", async () => {
    const s = stub(200, {});
    const api = createApi({ token: () => "t", onUnauthorized: () => {}, fetch: s.fetch });
    await api.send("PATCH", "/api/config", {}, "v-0123456789abcdef");
    await api.send("PATCH", "/api/config", {});
    expect((s.calls[0].init.headers as Record<string, string>)["If-Match"]).toBe('"v-0123456789abcdef"');
    expect((s.calls[1].init.headers as Record<string, string>)["If-Match"]).toBeUndefined();
  });

  it("turns the API's error shape into an ApiFailure with its details", async () => {
    const details = [{ path: "gates.minScore", message: "Too big" }];
    const s = stub(422, { error: { code: "invalid_config", message: "Invalid config: gates.minScore", details } });
    const err = await createApi({ token: () => "t", onUnauthorized: () => {}, fetch: s.fetch })
      .send("PATCH", "/api/config", {})
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiFailure);
    expect(err).toMatchObject({
      status: 422,
      code: "invalid_config",
      message: "Invalid config: gates.minScore",
      details,
    });
  });

  it("reports a 401 so the page forgets the token", async () => {
    let told = 0;
    const s = stub(401, { error: { code: "unauthorized", message: "Unauthorized" } });
    await expect(
      createApi({ token: () => "bad", onUnauthorized: () => told++, fetch: s.fetch }).get("/api/portfolio"),
    ).rejects.toMatchObject({ status: 401 });
    expect(told).toBe(1);
  });

  it("asks nothing without a token", async () => {
    const s = stub(200, {});
    await expect(
      createApi({ token: () => null, onUnauthorized: () => {}, fetch: s.fetch }).get("/api/portfolio"),
    ).rejects.toMatchObject({ status: 401 });
    expect(s.calls).toHaveLength(0);
  });

  it("reports an unreachable Worker as status 0", async () => {
    const fetch = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof globalThis.fetch;
    await expect(
      createApi({ token: () => "t", onUnauthorized: () => {}, fetch }).get("/api/portfolio"),
    ).rejects.toMatchObject({ status: 0, code: "network" });
  });
});
