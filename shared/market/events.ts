/**
 * Typed market events: what the exchange codec produces and the engine consumes.
 * Every event carries the exchange's timestamp (`ts`, ms since the epoch): the engine's only clock.
 * Numbers are parsed once at the edge; identifiers and sequence numbers stay strings, because
 * Bitget's `seq` and trade ids can exceed 2^53.
 * @module
 */

/** The taker (aggressor) side of a trade. */
export type Side = "buy" | "sell";

/** One public trade print. */
export interface TradeEvent {
  readonly kind: "trade";
  readonly symbol: string;
  /** Exchange trade time, ms. */
  readonly ts: number;
  readonly price: number;
  /** Size in base coin. */
  readonly size: number;
  /** Taker side: `buy` lifted the ask, `sell` hit the bid. */
  readonly side: Side;
  readonly id: string;
}

/** One price level: `[price, size]`. */
export type Level = readonly [price: number, size: number];

/** Best bid and offer with sizes (Bitget `books1`). */
export interface BookTopEvent {
  readonly kind: "bookTop";
  readonly symbol: string;
  readonly ts: number;
  readonly bidPrice: number;
  readonly bidSize: number;
  readonly askPrice: number;
  readonly askSize: number;
  readonly seq: string;
}

/** A depth snapshot (Bitget `books5` / `books15`): bids descending, asks ascending. */
export interface BookLevelsEvent {
  readonly kind: "bookLevels";
  readonly symbol: string;
  readonly ts: number;
  readonly bids: readonly Level[];
  readonly asks: readonly Level[];
  readonly seq: string;
}

/** Everything the market core understands. */
export type MarketEvent = TradeEvent | BookTopEvent | BookLevelsEvent;

/** The part of a trade the microstructure indicators read. */
export type TradeTick = Pick<TradeEvent, "ts" | "price" | "size" | "side">;
