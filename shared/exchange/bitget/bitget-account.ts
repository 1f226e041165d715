/**
 * The account port: everything a live (or demo) runner needs from a Bitget account, whatever its
 * system — Classic V2 (classic-account.ts) or UTA v3 (uta/uta-account.ts). Open one with
 * `openBitgetAccount` (open-account.ts), which probes the key and picks the implementation.
 * The engine and the Durable Objects see this port and the {@link BitgetBroker} it builds, never a
 * dialect.
 * @module
 */
import type { Instrument } from "../../market/instrument";
import type { AccountMode } from "./account-mode";
import type { BitgetBroker, BitgetBrokerOptions } from "./bitget-broker";
import type { PrivateFeed, PrivateFeedOptions } from "./private-feed";
import { isBitgetError } from "./rest-errors";
import type { MarginMode, PositionMode } from "./rest-types";

/** Real money (`live`) or Bitget's demo environment (`demo`: demo key, `paptrading: 1`, wspap hosts). */
export type TradingMode = "live" | "demo";

/** Where an account is reached. */
export interface BitgetEndpoints {
  readonly trading: TradingMode;
  /** REST base URL (both families share it). */
  readonly restUrl: string;
  /** Classic V2 private WebSocket. */
  readonly classicPrivateWsUrl: string;
  /** UTA v3 private WebSocket. */
  readonly utaPrivateWsUrl: string;
}

/** Bitget's production and demo endpoints (bitget-v2.md §7, bitget-uta-v3.md §5), with overrides (e.g. the local venue). */
export function bitgetEndpoints(
  trading: TradingMode,
  overrides: Partial<Omit<BitgetEndpoints, "trading">> = {},
): BitgetEndpoints {
  const ws = trading === "demo" ? "wss://wspap.bitget.com" : "wss://ws.bitget.com";
  return {
    trading,
    restUrl: overrides.restUrl ?? "https://api.bitget.com",
    classicPrivateWsUrl: overrides.classicPrivateWsUrl ?? `${ws}/v2/ws/private`,
    utaPrivateWsUrl: overrides.utaPrivateWsUrl ?? `${ws}/v3/ws/private`,
  };
}

/** What `/api/symbols` and the dashboard show of the account. */
export interface AccountSummary {
  readonly accountMode: AccountMode;
  readonly trading: TradingMode;
  /** One-way or hedge: how orders are encoded. */
  readonly holdMode: PositionMode;
  /** Margin mode of the symbol (as the exchange reports it, else the one orders are sent with). */
  readonly marginMode: MarginMode | (string & {});
  /** The symbol's leverage, null when the exchange did not say. */
  readonly leverage: number | null;
}

/** One open position. */
export interface AccountPosition {
  readonly symbol: string;
  readonly side: "long" | "short";
  /** Base coin, > 0. */
  readonly size: number;
  readonly avgPrice: number;
  readonly leverage: number | null;
  readonly marginMode: string | null;
  readonly unrealisedPnl: number | null;
}

/** USDT equity of the account. */
export interface AccountEquity {
  /** USDT equity including unrealised PnL. */
  readonly equity: number;
  /** USDT available for new margin. */
  readonly available: number;
  readonly unrealisedPnl: number | null;
}

/** The account's own fee rates of one symbol (fractions: 0.0006 = 0.06 %). */
export interface AccountFees {
  readonly maker: number;
  readonly taker: number;
}

/** Broker options the account fills in itself (REST port, mode, reject codes). */
export type AccountBrokerOptions = Omit<BitgetBrokerOptions, "rest" | "mode" | "rejectCodes">;

/** Private-feed options the account fills in itself (URL, credentials, dialect, clock offset). */
export type AccountFeedOptions = Omit<
  PrivateFeedOptions,
  "url" | "credentials" | "dialect" | "instType" | "timeOffsetMs"
>;

/** One Bitget account, whatever its system. Every method throws `BitgetError` on exchange failures. */
export interface BitgetAccount {
  readonly accountMode: AccountMode;
  readonly trading: TradingMode;
  /** Measures the server-time offset used to sign requests and the WS login; returns it (ms). */
  syncTime(): Promise<number>;
  /** The contract rules of `symbol`, or null when the exchange has no such USDT-M contract. */
  instrument(symbol: string): Promise<Instrument | null>;
  /** Mode, hold mode, margin mode and leverage of `symbol`. */
  summary(symbol: string): Promise<AccountSummary>;
  /** Open positions, of one symbol or all. */
  positions(symbol?: string): Promise<AccountPosition[]>;
  /** USDT equity and availability. */
  equity(): Promise<AccountEquity>;
  /** The account's fee rates of `symbol`. */
  fees(symbol: string): Promise<AccountFees>;
  /** Sets the leverage of `symbol` (both sides). */
  setLeverage(symbol: string, leverage: number): Promise<void>;
  /** Sets the margin mode of `symbol` (the exchange refuses it while the symbol has a position or orders). */
  setMarginMode(symbol: string, marginMode: MarginMode): Promise<void>;
  /** Sets one-way or hedge mode; later orders are encoded for it. */
  setHoldMode(mode: PositionMode): Promise<void>;
  /** A broker trading on this account (one per runner; fills arrive through `onFill`). */
  broker(options: AccountBrokerOptions): BitgetBroker;
  /** A private feed of this account; pass its events to `broker.onPrivate`, `onReady` to `broker.reconcile`. */
  privateFeed(options: AccountFeedOptions): PrivateFeed;
}

/** The net position of `symbol` in base coin (long positive, short negative). */
export function netPosition(positions: readonly AccountPosition[], symbol: string): number {
  let held = 0;
  for (const p of positions) if (p.symbol === symbol) held += p.side === "long" ? p.size : -p.size;
  return held;
}

/**
 * An empty list for a single-symbol rules query the exchange refused as a bad parameter (40102
 * "contract configuration does not exist", or an answer listing nothing): the symbol has no
 * contract. Every other failure is rethrown.
 */
export function noSuchSymbol(e: unknown): never[] {
  if (isBitgetError(e, "badParameter")) return [];
  throw e;
}
