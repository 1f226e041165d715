import type { Instrument } from "./instrument";

/**
 * Contract rules used when no exchange is asked (backtests on recordings, paper mode before the
 * contracts endpoint answered). Bitget's USDT-M values as of the reference (bitget-v2.md §4.5);
 * live mode always loads the real ones.
 */
const KNOWN: Record<string, Omit<Instrument, "symbol">> = {
  BTCUSDT: { tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 },
  ETHUSDT: { tickSize: 0.01, sizeStep: 0.01, minSize: 0.01, minNotional: 5 },
  SOLUSDT: { tickSize: 0.001, sizeStep: 0.1, minSize: 0.1, minNotional: 5 },
  XRPUSDT: { tickSize: 0.0001, sizeStep: 1, minSize: 1, minNotional: 5 },
  DOGEUSDT: { tickSize: 0.00001, sizeStep: 1, minSize: 1, minNotional: 5 },
};

/** The contract rules of `symbol`, or a conservative generic default scaled to `price`. */
export function defaultInstrument(symbol: string, price?: number): Instrument {
  const known = KNOWN[symbol];
  if (known) return { symbol, ...known };
  const p = price && price > 0 ? price : 1;
  const tick = 10 ** (Math.floor(Math.log10(p)) - 4);
  const step = 10 ** Math.min(0, Math.floor(Math.log10(5 / p)));
  return {
    symbol,
    tickSize: +tick.toPrecision(1),
    sizeStep: +step.toPrecision(1),
    minSize: +step.toPrecision(1),
    minNotional: 5,
  };
}
