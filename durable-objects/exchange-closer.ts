/**
 * The exchange as the kill switch closes through it directly (shared/coordination/flatten-everywhere.ts):
 * the account of the Worker's Bitget secrets (Classic or UTA, probed from the key) on workerd's
 * `fetch`, wall clock and randomness. Wiring only.
 * @module
 */
import { describeAccountModeRefusal } from "../shared/exchange/bitget/account-mode";
import type { TradingMode } from "../shared/exchange/bitget/bitget-account";
import { closeAtExchange } from "../shared/exchange/bitget/close-at-exchange";
import { openBitgetAccount } from "../shared/exchange/bitget/open-account";
import type { ExchangeCloser } from "../shared/coordination/flatten-everywhere";
import { liveWiring } from "../shared/exchange/bitget/live-wiring";

/** Wait between a close's market orders and reading the position back, ms. */
export const CLOSE_SETTLE_MS = 500;

/** The account of `trading` mode as an {@link ExchangeCloser}, or why it cannot be opened. */
export async function openExchangeCloser(env: object, trading: TradingMode): Promise<ExchangeCloser | string> {
  const wiring = liveWiring(env);
  if (!wiring) return `${trading} mode without the Bitget secrets: the exchange cannot be reached directly`;
  const opened = await openBitgetAccount({
    endpoints: wiring.endpoints(trading),
    credentials: wiring.credentials,
    now: () => Date.now(),
    random: Math.random,
  });
  if (!opened.ok) return describeAccountModeRefusal(opened.refusal);
  const account = opened.account;
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, CLOSE_SETTLE_MS));
  return {
    heldSymbols: async () => [...new Set((await account.positions()).filter((p) => p.size > 0).map((p) => p.symbol))],
    close: (symbol) => closeAtExchange(account, symbol, Date.now(), settle),
  };
}
