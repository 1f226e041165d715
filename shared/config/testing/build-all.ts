/**
 * Builds every object a config configures, as the backtester and the agents do, runs a short
 * two-symbol market through them, and rebuilds each from its saved state: the strategy engines (with
 * their feature sets and the weight learner), the portfolio with its BTC correlation, the simulated
 * broker and the trading session. Throws what any of them throws.
 * @module
 */
import { Backtest } from "../../backtest/backtest";
import { SimulatedBroker } from "../../execution/sim-broker";
import type { MarketEvent } from "../../market/events";
import { defaultInstrument } from "../../market/instruments";
import { ReturnCorrelation } from "../../risk/correlation";
import { Portfolio } from "../../risk/portfolio";
import { StrategyEngine } from "../../strategy/engine";
import type { BotConfig } from "../schema";

/** A short market: BTC and one alt, a trade each 250 ms and a book top each second, for `seconds`. */
export function shortMarket(seconds = 20, start = 1_700_000_000_000): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (let i = 0; i < seconds * 4; i++) {
    const ts = start + i * 250;
    const wave = Math.sin(i / 7);
    for (const [symbol, base] of [
      ["BTCUSDT", 50_000],
      ["ETHUSDT", 3_000],
    ] as const) {
      const price = base * (1 + 0.002 * wave);
      if (i % 4 === 0)
        out.push({
          kind: "bookTop",
          symbol,
          ts,
          bidPrice: price * 0.9999,
          bidSize: 5,
          askPrice: price * 1.0001,
          askSize: 5,
          seq: String(i),
        });
      out.push({
        kind: "trade",
        symbol,
        ts,
        price,
        size: 0.1 + (i % 5),
        side: i % 3 === 0 ? "sell" : "buy",
        id: `${i}`,
      });
    }
  }
  return out;
}

/**
 * Runs `events` through a {@link Backtest} of `config` (every object built and used), then builds an
 * engine, a portfolio with its correlation and a broker directly, feeds them, and restores each from
 * its state, as a Durable Object does after eviction.
 */
export function buildAndRun(config: BotConfig, events: readonly MarketEvent[] = shortMarket()): void {
  const run = new Backtest({ config, configVersion: "v-test", capital: 1000 });
  for (const e of events) run.onEvent(e);
  run.finish();

  const portfolio = new Portfolio(config.portfolio, { startEquity: 1000, now: events[0]?.ts ?? 0 });
  const options = {
    symbol: "ETHUSDT",
    config,
    configVersion: "v-test",
    instrument: defaultInstrument("ETHUSDT", 3000),
    equity: () => portfolio.equity,
  };
  const engine = new StrategyEngine(options);
  const { fees, execution } = config;
  const broker = new SimulatedBroker({
    fees,
    latencyMs: execution.latencyMs,
    entryTimeoutMs: execution.entryTimeoutMs,
    tradeOnlySpreadBps: execution.tradeOnlySpreadBps,
  });
  for (const e of events) {
    broker.onEvent(e);
    if (e.symbol === "ETHUSDT") engine.onEvent(e);
    if (e.kind === "trade") portfolio.markPrice(e.symbol, e.price, e.ts);
  }
  new StrategyEngine(options, engine.getState());
  Portfolio.restore(portfolio.getState(), ReturnCorrelation.restore(portfolio.correlation.getState()));
  SimulatedBroker.restore(broker.getState(), { fees });
}
