/**
 * Where a SymbolAgent trades in live or demo mode, read from the Worker's bindings, and the
 * {@link BitgetLive} (shared/exchange/bitget/bitget-live.ts: account-mode probe → Classic or UTA
 * broker, contract rules, private feed) built on workerd's socket, clock, timers and randomness.
 * Nothing here decides anything about trading: it is env → endpoints wiring.
 * @module
 */
import { type BitgetEndpoints, bitgetEndpoints, type TradingMode } from "../shared/exchange/bitget/bitget-account";
import { BitgetLive, type BitgetLiveOptions } from "../shared/exchange/bitget/bitget-live";
import type { BitgetCredentials } from "../shared/exchange/bitget/rest-transport";
import type { SocketPort } from "../shared/exchange/bitget/socket";
import { WorkerdSocketPort } from "./agent-socket";

/** Where and as whom the agent trades: the secrets, and the endpoints of each trading mode. */
export interface LiveWiring {
  readonly credentials: BitgetCredentials;
  /** Bitget's production (`live`) or demo endpoints, with the `REST_URL` / `PRIVATE_FEED_URL(_V3)` overrides. */
  endpoints(trading: TradingMode): BitgetEndpoints;
}

/**
 * The wiring from the Worker's bindings, or null when a secret is missing (then live and demo are
 * refused, agent-mode.ts). `REST_URL`, `PRIVATE_FEED_URL` (Classic V2 private WebSocket) and
 * `PRIVATE_FEED_URL_V3` (UTA v3 private WebSocket) override Bitget's hosts, e.g. with the local venue.
 */
export function liveWiring(env: object): LiveWiring | null {
  const v = env as Record<string, unknown>;
  const text = (name: string) => (typeof v[name] === "string" && v[name] !== "" ? (v[name] as string) : undefined);
  const [apiKey, apiSecret, passphrase] = [
    text("BITGET_API_KEY"),
    text("BITGET_API_SECRET"),
    text("BITGET_PASSPHRASE"),
  ];
  if (!apiKey || !apiSecret || !passphrase) return null;
  const overrides = {
    restUrl: text("REST_URL"),
    classicPrivateWsUrl: text("PRIVATE_FEED_URL"),
    utaPrivateWsUrl: text("PRIVATE_FEED_URL_V3"),
  };
  return {
    credentials: { apiKey, apiSecret, passphrase },
    endpoints: (trading) => bitgetEndpoints(trading, overrides),
  };
}

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
