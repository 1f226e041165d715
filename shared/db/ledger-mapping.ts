/**
 * The one mapping between the strategy's closed trades and fills and the ledger's rows, used both
 * ways: the runner writes `trades`/`fills` rows, the stats read `trades` rows back as closed trades.
 * @module
 */
import type { Fill } from "../execution/orders";
import type { ClosedTrade, ExitReason, SubScores } from "../strategy/types";
import type { FillRole, NewFill, NewTrade, Trade, TradeMode } from "./schema";

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

/** A closed trade of the ledger, with the mode it ran under. */
export type LedgerClosedTrade = ClosedTrade & { readonly mode: TradeMode };

/** A `trades` row read back as the closed trade it was written from. */
export function toClosedTrade(row: Trade): LedgerClosedTrade {
  return { ...row, subScores: row.subScores as SubScores, exitReason: row.exitReason as ExitReason };
}

/** What the runner knows about a fill beyond the broker's report. */
export interface FillContext {
  readonly mode: TradeMode;
  /** The fill's role to the engine; null: part of none of its positions (ledgered as `foreign`, see {@link FillRole}). */
  readonly role: "entry" | "exit" | null;
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
    role: ctx.role ?? "foreign",
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
