import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Coordinator } from "../../durable-objects/coordinator";
import { defaultConfig } from "../../shared/config/config";
import { COORDINATOR_NAME } from "../../durable-objects/agent-rpc";
import { api } from "./helpers";

/** Writes a config record into the Coordinator's storage as an older schema might have, then restarts it. */
async function storeAndRestart(record: unknown): Promise<void> {
  await runInDurableObject(env.COORDINATOR.getByName(COORDINATOR_NAME), (_: Coordinator, state) =>
    state.storage.kv.put("config", record),
  );
  await abortAllDurableObjects();
}

const BRICKING = { correlationWindowMs: 5000, correlationReturnMs: 5000 };

describe("a config that would break the portfolio", () => {
  it("is refused by PATCH with 422 naming both fields, and the config is unchanged", async () => {
    const before = await (await api("/api/config")).json();
    const res = await api("/api/config", { method: "PATCH", body: { portfolio: BRICKING } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { message: string; details: { path: string }[] } };
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      "portfolio.correlationReturnMs",
      "portfolio.correlationWindowMs",
    ]);
    expect(await (await api("/api/config")).json()).toEqual(before);
  });
});

describe("a stored config that no longer loads", () => {
  const broken = { ...defaultConfig(), portfolio: { ...defaultConfig().portfolio, ...BRICKING } };

  it("leaves the Coordinator up and halted, saying why, and takes halt, flatten and a fixing PATCH", async () => {
    await storeAndRestart({ config: broken, version: "v-old" });

    const health = await exports.default.fetch("http://x/health");
    expect(health.status).toBe(503);
    const degraded = (await health.json()) as { ok: boolean; status: string; coordinator: string };
    expect(degraded).toMatchObject({ ok: false, status: "degraded" });
    expect(degraded.coordinator).toContain("portfolio.correlationWindowMs");

    const portfolio = await api("/api/portfolio");
    expect(portfolio.status).toBe(200);
    const snap = (await portfolio.json()) as { tradingState: string; reason: string; configError: string };
    expect(snap.tradingState).toBe("HALTED");
    expect(snap.reason).toContain("portfolio.correlationWindowMs");
    expect(snap.configError).toContain("portfolio.correlationReturnMs");

    const config = (await (await api("/api/config")).json()) as { version: string; error: string };
    expect(config.version).toBe("v-old");
    expect(config.error).toContain("portfolio.correlationWindowMs");

    expect((await api("/api/control/halt", { method: "POST", body: {} })).status).toBe(200);
    expect((await api("/api/control/flatten", { method: "POST" })).status).toBe(200);
    expect((await api("/api/control/resume", { method: "POST" })).status).toBe(200);
    expect(((await (await api("/api/portfolio")).json()) as { tradingState: string }).tradingState).toBe("HALTED");

    const fix = await api("/api/config", { method: "PATCH", body: { portfolio: { correlationWindowMs: 900_000 } } });
    expect(fix.status).toBe(200);
    const fixed = (await fix.json()) as {
      previousVersion: string;
      config: { portfolio: { correlationReturnMs: number } };
    };
    expect(fixed.previousVersion).toBe("v-old");
    expect(fixed.config.portfolio.correlationReturnMs).toBe(5000);
    const after = (await (await api("/api/portfolio")).json()) as { tradingState: string; configError: null };
    expect(after).toMatchObject({ tradingState: "ACTIVE", configError: null });
    expect((await exports.default.fetch("http://x/health")).status).toBe(200);
  });

  it("refuses agents its config while it does not load, and refuses entries", async () => {
    await storeAndRestart({ version: "v-damaged" });
    const c = env.COORDINATOR.getByName(COORDINATOR_NAME);
    const refused = await c.getConfig().then(
      () => null,
      (e: unknown) => String(e),
    );
    expect(refused).toMatch(/the record has no config/);
    const d = await c.requestEntry({ symbol: "ETHUSDT", side: "long", notional: 100, ts: 1 });
    expect(d).toMatchObject({ ok: false, reason: "halted" });
    const fix = await api("/api/config", { method: "PUT", body: defaultConfig() });
    expect(fix.status).toBe(200);
    expect((await c.getConfig()).config).toEqual(defaultConfig());
  });
});
