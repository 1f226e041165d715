/**
 * Quote currencies the backtester can replay. Live trading is USDT-M only (the config's symbol rule);
 * recordings of other markets (a spot XRPETH capture, say) replay in their own quote currency: prices,
 * PnL, fees and capital are then in that currency, and every ratio (win rate, profit factor, return %)
 * means the same as in USDT.
 * @module
 */

/** Known quote currencies, longest first so `…USDT` is never read as `…T` of something. */
export const QUOTES = ["USDT", "USDC", "BTC", "ETH"] as const;

/** A quote currency the backtester knows. */
export type Quote = (typeof QUOTES)[number];

/** The symbol's base and quote (`XRPETH` → XRP/ETH), or null when no known quote ends it or the base is not `[A-Z0-9]+`. */
export function splitSymbol(symbol: string): { base: string; quote: Quote } | null {
  for (const quote of QUOTES) {
    if (!symbol.endsWith(quote)) continue;
    const base = symbol.slice(0, -quote.length);
    if (/^[A-Z0-9]+$/.test(base)) return { base, quote };
  }
  return null;
}
