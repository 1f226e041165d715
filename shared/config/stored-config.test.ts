import { describe, expect, it } from "vitest";
import { configVersion, defaultConfig } from "./config";
import { loadStoredConfig } from "./stored-config";

describe("loadStoredConfig", () => {
  it("loads the plan's defaults when nothing was stored, to be written", () => {
    const config = defaultConfig();
    expect(loadStoredConfig(undefined)).toEqual({ ok: true, config, version: configVersion(config), changed: true });
  });

  it("loads a stored config unchanged when today's schema gives the same config", () => {
    const config = defaultConfig();
    const r = loadStoredConfig({ config, version: configVersion(config) });
    expect(r).toEqual({ ok: true, config, version: configVersion(config), changed: false });
  });

  it("fills in fields an older schema did not have and says the record changed", () => {
    const { learning: _dropped, ...older } = defaultConfig();
    const r = loadStoredConfig({ config: older, version: "v-0000000000000000" });
    expect(r.ok && r.changed).toBe(true);
    expect(r.ok && r.config.learning).toEqual(defaultConfig().learning);
  });

  it("refuses a stored config today's schema rejects, naming every bad field and keeping the raw config to patch", () => {
    const config = { ...defaultConfig(), portfolio: { ...defaultConfig().portfolio, correlationWindowMs: 5000 } };
    const r = loadStoredConfig({ config, version: "v-1234" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual([
      "portfolio.correlationReturnMs",
      "portfolio.correlationWindowMs",
    ]);
    expect(r.reason).toContain("portfolio.correlationWindowMs");
    expect(r.raw).toEqual(config);
    expect(r.version).toBe("v-1234");
  });

  it.each([null, 42, "config", { version: "v-1" }])("refuses a damaged record %j without throwing", (raw) => {
    const r = loadStoredConfig(raw);
    expect(r).toMatchObject({ ok: false, reason: "stored config: the record has no config", raw: undefined });
  });
});
