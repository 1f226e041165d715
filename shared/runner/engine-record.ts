/**
 * How a runner persists and rebuilds its strategy engine.
 * @module
 */
import { canonicalJson } from "../config/config";
import type { Instrument } from "../market/instrument";
import { StrategyEngine, type EngineOptions, type EngineState } from "../strategy/engine";
import type { VersionedConfig } from "../config/versioned";

/** The engine as persisted: the config it runs, its contract rules and its state. */
export interface EngineRecord {
  readonly config: VersionedConfig;
  readonly instrument: Instrument;
  readonly state: EngineState;
}

/**
 * The engine of `old` under new options (a new config). Indicator state is kept when the indicator
 * settings are unchanged; otherwise the indicators start cold. The order-id sequence, the last trade
 * price and the clock always carry over. Meant for a flat engine (its phase carries over as is).
 */
export function rebuildEngine(old: StrategyEngine, options: EngineOptions): StrategyEngine {
  const state = old.getState();
  if (canonicalJson(old.config.indicators) === canonicalJson(options.config.indicators))
    return new StrategyEngine(options, state);
  const fresh = new StrategyEngine(options).getState();
  return new StrategyEngine(options, {
    ...fresh,
    seq: state.seq,
    lastTradePrice: state.lastTradePrice,
    lastTs: state.lastTs,
  });
}
