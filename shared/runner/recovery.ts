/**
 * Recovery on start in live and demo mode: the engine restored from storage is brought back in line
 * with the exchange, which is the truth about orders, fills and positions (issue #14: "a restart or
 * deploy loses live order tracking").
 *
 * 1. Every order that may still change — the engine's working orders and the journal's rows still
 *    `sending` or `accepted` — is looked up at the exchange (the broker follows it from then on):
 *    unknown there (never sent) → ended; still open and the engine's → resumed; open and nobody's
 *    (e.g. a take-profit of a position that closed) → cancelled; ended → ended after its fills.
 * 2. The fills of the gap are replayed: those of the followed orders and every fill of the symbol
 *    since the last one the runner applied (an exchange-side stop that fired meanwhile). The runner
 *    applies each execution once ({@link SeenFills}), so fills it saw before the restart change nothing.
 *    Then the symbol's orders still open at the exchange that are the runner's by their clientOid
 *    ({@link parseClientOid}) but that neither the engine nor the journal follows are cancelled: an
 *    order whose journal row a crash lost (the row is written behind the request:
 *    write-behind-journal.ts). Its fills, if any, were replayed above as fills of an order the runner
 *    did not journal (adopted, or closing the position it held).
 * 3. A position the engine does not know (an entry that filled while the agent was evicted and could
 *    not be matched, a manual order) is an orphan and is never left bare: `live.orphanPolicy` adopts
 *    it (the engine manages it, stop-loss at the configured distance) or closes it at market.
 * 4. The exchange-side stop of the position the engine holds then is checked and re-armed (stop-guard.ts).
 * 5. Only then may the runner enter again ({@link RecoverableRunner.recoveryComplete}): its entries are
 *    held from the restart until every read above answered (an order whose lookup failed keeps them
 *    held; the shell runs recovery again), so no entry is decided while recovery reads the exchange.
 * @module
 */
import { parseClientOid } from "../execution/client-oid";
import type { OrderStatus, PositionSide } from "../execution/orders";

/** One open position at the exchange. */
export interface ExchangePosition {
  readonly side: PositionSide;
  /** Base coin, > 0. */
  readonly size: number;
  readonly avgPrice: number;
}

/** What to do with a position the engine does not know. */
export type OrphanPolicy = "adopt" | "close";

/** What recovery did, as events the shell logs and reports. */
export type RecoveryEvent =
  | {
      readonly kind: "orderRecovered";
      readonly clientOid: string;
      /** `resumed`: still working, followed again; `ended`: it ended meanwhile; `unknown`: the exchange never saw it; `cancelled`: working and nobody's. */
      readonly outcome: "resumed" | "ended" | "unknown" | "cancelled";
    }
  | { readonly kind: "orderLookupFailed"; readonly clientOid: string; readonly detail: string }
  | { readonly kind: "fillsReplayed"; readonly applied: number; readonly duplicates: number }
  | {
      readonly kind: "orphanAdopted" | "orphanClosed";
      readonly side: PositionSide;
      readonly size: number;
      readonly avgPrice: number;
      /** The stop-loss the engine holds for it (adopted), or the close's reason. */
      readonly stopLoss: number | null;
      readonly ts: number;
    };

/** Counts of what recovery did since the runner was made. */
export interface RecoveryCounters {
  recoveries: number;
  ordersRecovered: number;
  fillsReplayed: number;
  duplicateFills: number;
  orphansAdopted: number;
  orphansClosed: number;
}

/** Zero counters. */
export function zeroRecoveryCounters(): RecoveryCounters {
  return {
    recoveries: 0,
    ordersRecovered: 0,
    fillsReplayed: 0,
    duplicateFills: 0,
    orphansAdopted: 0,
    orphansClosed: 0,
  };
}

/** What {@link SeenFills} persists. */
export interface SeenFillsState {
  /** Execution ids applied, oldest first (bounded). */
  readonly ids: readonly string[];
  /** Exchange time of the newest fill applied, 0 before any. */
  readonly lastTs: number;
}

/** Execution ids a runner remembers (the fills of a gap are far fewer). */
export const SEEN_FILLS_KEEP = 500;

/** The executions a runner applied, by exchange `tradeId`, so a replay after a restart applies each once. */
export class SeenFills {
  private readonly ids: Set<string>;
  private newest: number;

  constructor(state?: SeenFillsState | null) {
    this.ids = new Set(state?.ids ?? []);
    this.newest = state?.lastTs ?? 0;
  }

  /** Exchange time of the newest fill applied, 0 before any. */
  get lastTs(): number {
    return this.newest;
  }

  /** Records a fill; false when its execution was applied before (fills without an id always count as new). */
  add(tradeId: string | undefined, ts: number): boolean {
    if (tradeId !== undefined) {
      if (this.ids.has(tradeId)) return false;
      this.ids.add(tradeId);
      if (this.ids.size > SEEN_FILLS_KEEP) this.ids.delete(this.ids.values().next().value as string);
    }
    if (ts > this.newest) this.newest = ts;
    return true;
  }

  getState(): SeenFillsState {
    return { ids: [...this.ids], lastTs: this.newest };
  }
}

/** The net position of several (hedge mode: a long and a short) as one, or null when flat. */
export function netExchangePosition(ps: readonly ExchangePosition[], minSize: number): ExchangePosition | null {
  let net = 0;
  let value = 0;
  for (const p of ps) {
    net += p.side === "long" ? p.size : -p.size;
    value += p.avgPrice * p.size;
  }
  const size = Math.abs(net);
  if (size < minSize) return null;
  const total = ps.reduce((a, p) => a + p.size, 0);
  return { side: net > 0 ? "long" : "short", size, avgPrice: value / total };
}

/** What recovery needs from the exchange (the live broker). */
export interface RecoveryPort {
  /** The exchange's view of an order by clientOid, followed by the broker from then on; null: the exchange never saw it. */
  lookup(clientOid: string): Promise<OrderStatus | null>;
  /** Delivers to the runner the fills of followed orders not delivered yet, and (unless null) every fill of the symbol at or after `since`. */
  replayFills(since: number | null): Promise<void>;
  /** The symbol's open positions at the exchange. */
  positions(): Promise<readonly ExchangePosition[]>;
  /** The clientOids of the symbol's orders open at the exchange (absent: the port cannot list them). */
  openOrders?(): Promise<readonly string[]>;
}

/** The runner as recovery drives it (a {@link SymbolRunner} is one). */
export interface RecoverableRunner {
  readonly symbol: string;
  workingOrders(): string[];
  readonly lastFillTs: number;
  /** Exchange time of the newest event seen (restored with the engine), 0 before any. */
  readonly lastTs: number;
  readonly fillsApplied: number;
  readonly duplicateFills: number;
  onLiveOrderDone(s: OrderStatus): void;
  cancelOrder(clientOid: string): void;
  recoverPosition(held: ExchangePosition | null, policy: OrphanPolicy, ts: number): RecoveryEvent | null;
  recovered(e: RecoveryEvent): void;
  /** Re-arms the exchange-side stop of the position the engine holds now (stop-guard.ts). */
  protectPosition?(ts: number): unknown;
  /** Recovery reconciled with the exchange (no read failed): entries held since the restart may go (symbol-runner.ts). */
  recoveryComplete?(): void;
}

/** Fills at most this far before the last applied one are fetched again (same-millisecond executions). */
const REPLAY_MARGIN_MS = 1;
/** Without a fill applied yet, the gap starts this long before the newest event the runner saw (an order's fill follows its decision). */
export const FIRST_REPLAY_LOOKBACK_MS = 10_000;

/** Where the gap's fills start: just before the last fill applied, else before the last event seen; null: nothing seen (no fill can be the runner's). */
export function replaySince(lastFillTs: number, lastTs: number): number | null {
  if (lastFillTs > 0) return lastFillTs - REPLAY_MARGIN_MS;
  return lastTs > 0 ? lastTs - FIRST_REPLAY_LOOKBACK_MS : null;
}

/**
 * Runs recovery (see the module documentation). `journalInFlight`: the journal's rows still
 * `sending` or `accepted`; `ts`: exchange time now (an adopted position's entry time). Lookups that
 * fail leave their order as it is (the next reconciliation retries it) and are reported.
 */
export async function recoverOnStart(
  runner: RecoverableRunner,
  port: RecoveryPort,
  o: {
    readonly journalInFlight: readonly string[];
    readonly policy: OrphanPolicy;
    readonly ts: number;
    readonly minSize: number;
  },
): Promise<RecoveryEvent[]> {
  const events: RecoveryEvent[] = [];
  const tell = (e: RecoveryEvent) => (events.push(e), runner.recovered(e));
  const working = new Set(runner.workingOrders());
  const ended: OrderStatus[] = [];
  for (const clientOid of new Set([...working, ...o.journalInFlight])) {
    let s: OrderStatus | null;
    try {
      s = await port.lookup(clientOid);
    } catch (e) {
      tell({ kind: "orderLookupFailed", clientOid, detail: e instanceof Error ? e.message : String(e) });
      continue;
    }
    if (s === null) {
      const unknown: OrderStatus = {
        clientOid,
        symbol: runner.symbol,
        status: "rejected",
        filledSize: 0,
        remainingSize: 0,
        reason: "unknown_order",
      };
      runner.onLiveOrderDone(unknown);
      tell({ kind: "orderRecovered", clientOid, outcome: "unknown" });
    } else if (s.status === "open" || s.status === "pending") {
      if (!working.has(clientOid)) runner.cancelOrder(clientOid);
      tell({ kind: "orderRecovered", clientOid, outcome: working.has(clientOid) ? "resumed" : "cancelled" });
    } else {
      ended.push(s);
      tell({ kind: "orderRecovered", clientOid, outcome: "ended" });
    }
  }
  const [applied, duplicates] = [runner.fillsApplied, runner.duplicateFills];
  await port.replayFills(replaySince(runner.lastFillTs, runner.lastTs));
  tell({
    kind: "fillsReplayed",
    applied: runner.fillsApplied - applied,
    duplicates: runner.duplicateFills - duplicates,
  });
  // After their fills: a cancelled entry with a usable partial fill opens with it.
  for (const s of ended) if (s.status !== "filled") runner.onLiveOrderDone(s);
  // The engine's orders now too: one it placed meanwhile (e.g. the take-profit of an entry whose fill was just replayed) is followed.
  const followed = new Set([...working, ...runner.workingOrders(), ...o.journalInFlight]);
  await cancelUnjournaled(runner, port, followed, tell);
  const held = netExchangePosition(await port.positions(), o.minSize);
  const orphan = runner.recoverPosition(held, o.policy, o.ts);
  if (orphan) tell(orphan);
  else runner.protectPosition?.(o.ts);
  // An order whose lookup failed is not resolved: entries stay held and the shell runs recovery again.
  if (!events.some((e) => e.kind === "orderLookupFailed")) runner.recoveryComplete?.();
  return events;
}

/** Cancels the symbol's open orders that are the runner's by clientOid but that nobody follows (their journal row was lost). */
async function cancelUnjournaled(
  runner: RecoverableRunner,
  port: RecoveryPort,
  followed: ReadonlySet<string>,
  tell: (e: RecoveryEvent) => void,
): Promise<void> {
  if (!port.openOrders) return;
  let open: readonly string[];
  try {
    open = await port.openOrders();
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    tell({ kind: "orderLookupFailed", clientOid: `${runner.symbol} open orders`, detail });
    return;
  }
  for (const clientOid of open) {
    if (followed.has(clientOid) || parseClientOid(clientOid)?.symbol !== runner.symbol) continue;
    runner.cancelOrder(clientOid);
    tell({ kind: "orderRecovered", clientOid, outcome: "cancelled" });
  }
}
