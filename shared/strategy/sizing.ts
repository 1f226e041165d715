import type { BotConfig } from "../config/schema";
import { roundToStep, type Instrument } from "../market/instrument";

/** A position size, or why there is none. */
export type SizeResult =
  | { readonly ok: true; readonly size: number; readonly notional: number }
  | { readonly ok: false; readonly reason: "size_below_minimum" | "notional_below_minimum" | "no_equity" };

/**
 * Position size for an entry at `price`: margin = equity × capitalFractionPct, notional =
 * margin × leverage, capped so that a stop-loss exit (stop distance plus entry and taker exit
 * fees) loses at most `maxLossPerTradePct` of equity; rounded down to the size step and refused
 * below the instrument's minimum size or notional.
 */
export function positionSize(equity: number, price: number, config: BotConfig, instrument: Instrument): SizeResult {
  if (!(equity > 0) || !(price > 0)) return { ok: false, reason: "no_equity" };
  const { capitalFractionPct, leverage, maxLossPerTradePct } = config.sizing;
  const entryFee = config.execution.entryOrder === "postOnly" ? config.fees.makerPct : config.fees.takerPct;
  const lossPct = config.exits.stopLossPct + entryFee + config.fees.takerPct;
  const wanted = ((equity * capitalFractionPct) / 100) * leverage;
  const cap = (equity * maxLossPerTradePct) / lossPct;
  const size = roundToStep(Math.min(wanted, cap) / price, instrument.sizeStep, "down");
  if (size < instrument.minSize || size <= 0) return { ok: false, reason: "size_below_minimum" };
  if (size * price < instrument.minNotional) return { ok: false, reason: "notional_below_minimum" };
  return { ok: true, size, notional: size * price };
}
