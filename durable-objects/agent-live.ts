/**
 * The {@link BitgetLive} (shared/exchange/bitget/bitget-live.ts: account-mode probe → Classic or UTA
 * broker, contract rules, private feed) of a SymbolAgent in live or demo mode, built on workerd's
 * socket, clock, timers and randomness. Where it trades comes from the bindings (live-wiring.ts).
 * @module
 */
import type { TradingMode } from "../shared/exchange/bitget/bitget-account";
import { BitgetLive, type BitgetLiveOptions } from "../shared/exchange/bitget/bitget-live";
import type { LiveWiring } from "../shared/exchange/bitget/live-wiring";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import { WorkerdSocketPort } from "./agent-socket";

/** What the agent hands {@link openLive}: its symbol and handlers (the rest is workerd's). */
export type LiveHandlers = Pick<
  BitgetLiveOptions,
  "symbol" | "onFill" | "onOrderDone" | "onBackgroundError" | "targets"
> & {
  readonly socket?: SocketPort;
};

/** A {@link BitgetLive} of `trading` mode on workerd's socket, wall clock, timers and `Math.random`. */
export function openLive(wiring: LiveWiring, trading: TradingMode, h: LiveHandlers): BitgetLive {
  return new BitgetLive({
    symbol: h.symbol,
    endpoints: wiring.endpoints(trading),
    credentials: wiring.credentials,
    onFill: h.onFill,
    onOrderDone: h.onOrderDone,
    onBackgroundError: h.onBackgroundError,
    targets: h.targets,
    socket: h.socket ?? new WorkerdSocketPort(),
    clock: { now: () => Date.now() },
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (t) => clearTimeout(t as number) },
    random: Math.random,
  });
}
