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
 * of the strategy. Entries at market; positions held at most 30 s.
 */
export const SOAK_CONFIG = {
  mode: "live",
  gates: { minScore: 20, minAgreeing: 2, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0 },
  execution: { entryOrder: "market" },
  exits: { maxHoldMs: 30_000 },
};

/**
 * Fault rates for the whole soak: per WS frame a connection cut; per public push a truncated frame,
 * a missing push; per push (public and private) a duplicate; per REST call a timeout (processed,
 * never answered), a 5xx or a 429 (refused unprocessed).
 */
export const SOAK_RATES: Partial<FaultConfig> = {
  drop: 0.0005,
  malformed: 0.003,
  gap: 0.003,
  duplicate: 0.005,
  "rest-timeout": 0.02,
  "rest-5xx": 0.02,
  "rest-429": 0.01,
};

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
