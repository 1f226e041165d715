/**
 * The SymbolAgent's D1 outbox: closed trades and fills are written to DO SQLite in the same
 * synchronous turn as the state change that produced them, and the alarm copies them to the D1
 * ledger with keyed inserts that ignore duplicates (workers/ledger.ts). Rows are deleted only after
 * the D1 batch succeeded, so a D1 outage loses nothing, and a flush repeated after a lost answer or
 * a crash between the batch and the delete inserts nothing twice.
 * @module
 */
import type { NewFill, NewTrade, TradeMode } from "../shared/db/schema";
import type { Fill } from "../shared/execution/orders";
import type { ClosedTrade } from "../shared/strategy/types";
import { insertLedger, ledgerDb } from "../workers/ledger";
import type { AgentStore } from "./agent-store";

/** Writes ledger rows to D1 in one transaction, ignoring ids already stored. */
export type LedgerWriter = (rows: { readonly trades: NewTrade[]; readonly fills: NewFill[] }) => Promise<unknown>;

/** Outbox rows copied per D1 batch. */
export const OUTBOX_BATCH = 50;

/** The {@link LedgerWriter} over a D1 binding. */
export function d1LedgerWriter(d1: D1Database): LedgerWriter {
  const db = ledgerDb(d1);
  return (rows) => insertLedger(db, rows);
}

/** The `trades` row of a closed trade. */
export function tradeRow(t: ClosedTrade, mode: TradeMode): NewTrade {
  return {
    id: t.id,
    symbol: t.symbol,
    mode,
    side: t.side,
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    size: t.size,
    entryScore: t.entryScore,
    subScores: { ...t.subScores },
    exitReason: t.exitReason,
    holdSeconds: t.holdSeconds,
    grossPnl: t.grossPnl,
    fees: t.fees,
    slippage: t.slippage,
    netPnl: t.netPnl,
    configVersion: t.configVersion,
  };
}

/** What the agent knows about a fill beyond the broker's report. */
export interface FillContext {
  readonly mode: TradeMode;
  readonly role: "entry" | "exit";
  readonly configVersion: string;
  /** The trade this fill closed, if it closed one. */
  readonly closed: ClosedTrade | null;
}

/**
 * The `fills` row of a fill. Its id is `clientOid#ts#price#size`: unique per execution of a paper
 * order (one fill per book level and per trade), and the same when the same fill is written again.
 */
export function fillRow(f: Fill, ctx: FillContext): NewFill {
  return {
    id: `${f.clientOid}#${f.ts}#${f.price}#${f.size}`,
    tradeId: ctx.closed?.id ?? null,
    symbol: f.symbol,
    mode: ctx.mode,
    clientOid: f.clientOid,
    side: f.side,
    role: ctx.role,
    price: f.price,
    size: f.size,
    fee: f.fee,
    liquidity: f.liquidity,
    slippage: f.slippage,
    ts: f.ts,
    final: f.final,
    exitReason: ctx.closed?.exitReason ?? null,
    configVersion: ctx.configVersion,
  };
}

/**
 * Copies up to `batches` × {@link OUTBOX_BATCH} outbox rows to D1, oldest first, deleting each batch
 * once written. Throws (after deleting what was written) when D1 fails or a row cannot be read.
 * @returns rows flushed.
 */
export async function flushOutbox(store: AgentStore, write: LedgerWriter, batches = 4): Promise<number> {
  let flushed = 0;
  for (let i = 0; i < batches; i++) {
    const rows = store.outbox(OUTBOX_BATCH);
    if (rows.length === 0) break;
    const trades: NewTrade[] = [];
    const fills: NewFill[] = [];
    for (const r of rows) {
      if (r.kind === "trade") trades.push(JSON.parse(r.payload) as NewTrade);
      else fills.push(JSON.parse(r.payload) as NewFill);
    }
    await write({ trades, fills });
    store.deleteOutbox(rows.map((r) => r.id));
    flushed += rows.length;
    if (rows.length < OUTBOX_BATCH) break;
  }
  return flushed;
}
