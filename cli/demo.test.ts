import { describe, expect, it } from "vitest";
import { Backtest } from "../shared/backtest/backtest";
import { generate } from "../shared/backtest/synthetic-market";
import { parseConfig } from "../shared/config/config";
import { decodePublicPush } from "../shared/exchange/bitget/public-codec";
import { DEMO_CONFIG, DEMO_SYMBOLS } from "./demo";

describe("the demo's market and config", () => {
  it("enters a first paper trade within two minutes of market time (the engine, seed 1 as the demo)", () => {
    const parsed = parseConfig(DEMO_CONFIG);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const start = Date.UTC(2026, 0, 1);
    const bt = new Backtest({ config: parsed.config, configVersion: "v-demo", capital: 10_000 });
    for (const p of generate({ symbols: DEMO_SYMBOLS, startMs: start, seed: 1, minutes: 2.5 })) {
      const d = decodePublicPush(p.m);
      if (d.ok) for (const e of d.events) bt.onEvent(e);
    }
    const run = bt.finish();
    expect(run.entries.length).toBeGreaterThan(0);
    expect(run.entries[0].ts - (run.firstTs ?? 0)).toBeLessThanOrEqual(120_000);
  }, 240_000);
});

describe("the demo's notification channels", () => {
  it("switches on the channels whose secrets .dev.vars sets, and no other", async () => {
    const { demoNotifications, parseDevVars } = await import("./demo");
    const vars = parseDevVars(
      'API_TOKEN="x"\n# comment\nWEBHOOK_URL=http://127.0.0.1:9/hook\nWEBHOOK_SECRET="s3cret"\n',
    );
    expect(vars).toMatchObject({ WEBHOOK_URL: "http://127.0.0.1:9/hook", WEBHOOK_SECRET: "s3cret" });
    expect(demoNotifications(vars)).toEqual({ notifications: { webhook: { enabled: true } } });
    expect(demoNotifications({ WEBHOOK_URL: "http://x" })).toEqual({ notifications: {} });
  });
});
