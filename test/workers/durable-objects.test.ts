import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("SymbolAgent", () => {
  it("reports its symbol over RPC and that it is not running", async () => {
    const status = await env.SYMBOL_AGENT.getByName("BTCUSDT").status();
    expect(status).toEqual({ role: "symbol-agent", symbol: "BTCUSDT", running: false });
  });

  it("is a separate object per symbol", async () => {
    const [btc, eth] = await Promise.all([
      env.SYMBOL_AGENT.getByName("BTCUSDT").status(),
      env.SYMBOL_AGENT.getByName("ETHUSDT").status(),
    ]);
    expect([btc.symbol, eth.symbol]).toEqual(["BTCUSDT", "ETHUSDT"]);
  });

  it("reports a null symbol when addressed by an id made without a name", async () => {
    const status = await env.SYMBOL_AGENT.get(env.SYMBOL_AGENT.newUniqueId()).status();
    expect(status.symbol).toBeNull();
  });
});

describe("Coordinator", () => {
  it("answers status over RPC without claiming any portfolio state", async () => {
    const status = await env.COORDINATOR.getByName("portfolio").status();
    expect(status).toEqual({ role: "coordinator", ready: true });
  });
});
