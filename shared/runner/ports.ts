/**
 * What a {@link SymbolRunner} needs from its shell, besides the portfolio port of the trading session:
 * the order journal, the ledger, the live broker and the equity that sizes entries. The backtester
 * gives none but the equity; the SymbolAgent gives them over DO SQLite and the Bitget broker.
 * @module
 */
import type { NewFill, NewTrade } from "../db/schema";
import type { OrderPort } from "../execution/broker";
import type { StopPort } from "../execution/exchange-stops";
import type { OrderRequest, OrderStatus } from "../execution/orders";
import type { MarketEvent } from "../market/events";
import type { Instrument } from "../market/instrument";
import type { ExchangePosition } from "./recovery";

/** Journal status of an order: `sending` until the broker answers. */
export type JournalStatus = "sending" | "accepted" | "rejected" | "done";

/** The order journal: every order is written before it is sent, and follows its answer and fills. */
export interface OrderJournal {
  /** Records an order about to be sent (status `sending`). */
  sending(req: OrderRequest): void;
  /** The journaled status of an order, or null when the journal does not hold it. */
  status(clientOid: string): JournalStatus | null;
  update(clientOid: string, status: JournalStatus, detail: string | null): void;
}

/** The rows a journal store keeps, as {@link journalOver} reads and writes them. */
export interface JournalRows {
  journalOrder(clientOid: string, request: unknown, now: number): void;
  journalEntry(clientOid: string): { status: JournalStatus } | null;
  journalStatus(clientOid: string, status: JournalStatus, detail: string | null, now: number): void;
}

/** The runner's {@link OrderJournal} over a store's rows, stamped with `now()` (wall time in the agent). */
export function journalOver(rows: JournalRows, now: () => number): OrderJournal {
  return {
    sending: (req) => rows.journalOrder(req.clientOid, req, now()),
    status: (oid) => rows.journalEntry(oid)?.status ?? null,
    update: (oid, status, detail) => rows.journalStatus(oid, status, detail, now()),
  };
}

/** Where ledger rows go (the Durable Object's outbox to D1). */
export interface LedgerPort {
  trade(row: NewTrade): void;
  fill(row: NewFill): void;
}

/** The live broker as the runner drives it. */
export interface LiveOrders {
  /** The order port, or null while it is not ready (contract rules not loaded): orders are then refused. */
  orders(): OrderPort | null;
  /** The exchange's contract rules of the symbol, or null until loaded (no engine is made before). */
  instrument(): Instrument | null;
  /** Market data for the broker's price checks and slippage. */
  onEvent(e: MarketEvent): void;
  /**
   * The exchange's view of an order by clientOid (null: the exchange never saw it); absent: orders
   * whose outcome stays unknown are resolved by the cap without asking (order-watch.ts).
   */
  lookup?(symbol: string, clientOid: string): Promise<OrderStatus | null>;
  /**
   * The exchange-side stops (the broker, once ready); absent: the runner does not guard them
   * (stop-guard.ts) and the entry's preset stop is all the exchange holds.
   */
  stops?(): StopPort | null;
  /**
   * The symbol's open positions at the exchange: a fill of an order the runner did not place that
   * finds the engine flat adopts what they say (foreign-adoption.ts); absent: such reads fail and are
   * retried, then the fills are taken as they are.
   */
  positions?(): Promise<readonly ExchangePosition[]>;
}

/** The equity that sizes entries. */
export interface EquitySource {
  now(): number;
  /** A position closed with this net PnL (a local estimate adds it at once). */
  onClose?(netPnl: number): void;
}

/** The health of the market feed: entries wait while it is unhealthy. */
export interface FeedHealthInput {
  readonly healthy: boolean;
  readonly reason: string | null;
  /** The symbol's last book must not be used (spread gate fails, exits ignore it); default: `!healthy`. */
  readonly bookStale?: boolean;
}
