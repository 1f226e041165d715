/**
 * What the soak does to the agent: the market, the config, the faults and the restarts.
 *
 * The faults run the whole soak at these rates (the venue's seeded fault streams, cli/venue/faults.ts),
 * plus timed events: a feed stall, an exchange-side stop firing on an open position, and a restart of
 * the stack process (what a deploy does: workerd ends, every Durable Object is rebuilt from storage).
 * @module
 */
import type { FaultConfig } from "../venue/faults";

/** The synthetic market's symbols (fewer symbols, less CPU: the machine is shared). */
export const SOAK_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"];

/**
 * Live mode with relaxed gates and short holds, so the agent trades every minute or two on the
 * synthetic market (its volume and volatility are invented): this is a soak of the machinery, not
 * of the strategy. Entries at market; positions held at most 30 s. Small positions (1 % of equity
 * as margin at 10×, ~1,000 USDT on the venue's 10,000): at the default 10 % × 50× (~50,000 USDT a
 * position) each round trip paid ~60 USDT of taker fees, and the Coordinator's daily loss limit
 * (15 % of the day's start) refused every entry after the first three or four round trips (the
 * first soaks: all entries in their first 2–3 minutes, none after).
 */
export const SOAK_CONFIG = {
  mode: "live",
  sizing: { capitalFractionPct: 1, leverage: 10 },
  gates: { minScore: 20, minAgreeing: 2, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 },
  execution: { entryOrder: "market" },
  exits: { maxHoldMs: 30_000 },
};

/**
 * Fault rates for the whole soak: per WS frame a connection cut; per public push a truncated frame,
 * a missing push; per push (public and private) a duplicate; per REST call a timeout (processed,
 * never answered), a 5xx or a 429 (refused unprocessed).
 *
 * Truncated and missing pushes come mostly in bursts ({@link FEED_BURST_RATES}), as real feed trouble
 * does, with a low background rate between: at a uniform 0.3 % + 0.3 % (the first soaks) the
 * feed-health gate (1 % bad pushes in a minute, shared/exchange/bitget/feed-health.ts) stayed closed
 * for 59 % of the agents' status samples of a 10-minute run on the shared 2-core machine (load ~16:
 * arrival jitter adds "missed" pushes of its own) and the run made 3 entries, so the soak barely
 * exercised trading. Bursts test the gate closing and opening again, and leave minutes to trade.
 */
export const SOAK_RATES: Partial<FaultConfig> = {
  drop: 0.0005,
  malformed: 0.0005,
  gap: 0.0005,
  duplicate: 0.005,
  "rest-timeout": 0.02,
  "rest-5xx": 0.02,
  "rest-429": 0.01,
};

/** A bad-feed burst: 3 % truncated and 3 % missing public pushes (the gate must close)… */
export const FEED_BURST_RATES: Partial<FaultConfig> = { malformed: 0.03, gap: 0.03 };
/** …every this often… */
export const FEED_BURST_EVERY_MS = 120_000;
/** …for this long (over a run: about as many bad pushes as a uniform 0.6 %). */
export const FEED_BURST_MS = 20_000;

/** Every this often the public feed stalls (pushes withheld, socket open, pings answered)… */
export const STALL_EVERY_MS = 75_000;
/** …for this long. */
export const STALL_MS = 8_000;
/** Every this often the exchange-side stop of one open position fires (when one is open). */
export const STOP_EVERY_MS = 40_000;
/** The stack is restarted once it has been up this long (its boot, ~15–40 s on a loaded machine, comes on top). */
export const RESTART_EVERY_MS = 30_000;
/** After the soak: faults off, then this long before the end measurements (in-flight fills land). */
export const SETTLE_MS = 15_000;
