/**
 * The soak's counts, measured from the venue's records (its order log, fills and positions) and the
 * D1 ledger, never from what the agent says about itself. Pure functions over plain records, so a
 * planted defect can be shown to be counted (counters.test.ts).
 *
 * Definitions (also in the README's Soak section):
 * - `orders`: place-order calls the venue accepted from the agent's key.
 * - `duplicateOrders`: accepted orders that repeat an earlier one: the same clientOid accepted again,
 *   or the same intent placed twice — an opening (not reduce-only) order accepted while the venue
 *   already held a position or a resting opening order on that symbol (a second entry), or two
 *   accepted orders whose clientOids encode the same symbol, intent time, side and reduce flag
 *   (shared/execution/client-oid.ts: one decision sent twice under two sequence numbers).
 * - `rejectedOrderLoops`: runs of at least {@link LOOP_RUN} refused place-order calls in a row for one
 *   symbol, side and reduce flag (no accepted call of that kind in between); each run counts once.
 * - `unprotectedPositionSamples`: once a second, each venue position of the agent's key without an
 *   exchange-side stop-loss counts one.
 * - `orphanPositionsAtEnd`: venue positions at the end that the stack does not hold: its agent for
 *   the symbol reports no position, the other side, or a size more than half a size step away.
 * - `ledgerMismatches`: orders (by clientOid) whose venue fills and D1 `fills` rows (mode live)
 *   disagree on the number of fills, the total size, the average price or the total fee, counting
 *   orders present on one side only.
 * @module
 */
import { parseClientOid } from "../../shared/execution/client-oid";
import type { PlaceAttempt } from "../venue/exchange-core";

/** Refused calls in a row that make a rejected-order loop. */
export const LOOP_RUN = 3;

/** A count with a few examples a reader can check. */
export interface Counted {
  readonly count: number;
  /** Up to {@link MAX_EXAMPLES} human-readable cases. */
  readonly examples: readonly string[];
}

const MAX_EXAMPLES = 5;

/** The accepted place-order calls. */
export function acceptedOrders(attempts: readonly PlaceAttempt[]): number {
  return attempts.filter((a) => a.orderId !== null).length;
}

/** Duplicate orders (module doc), each accepted order counted at most once. */
export function duplicateOrders(attempts: readonly PlaceAttempt[]): Counted {
  const oids = new Set<string>();
  const intents = new Set<string>();
  const examples: string[] = [];
  let count = 0;
  for (const a of attempts) {
    if (a.orderId === null) continue;
    const why = duplicateReason(a, oids, intents);
    if (a.clientOid !== null) oids.add(a.clientOid);
    const intent = intentKey(a);
    if (intent) intents.add(intent);
    if (why === null) continue;
    count++;
    if (examples.length < MAX_EXAMPLES) examples.push(`${a.clientOid ?? a.orderId} ${a.symbol} ${a.side}: ${why}`);
  }
  return { count, examples };
}

function duplicateReason(a: PlaceAttempt, oids: Set<string>, intents: Set<string>): string | null {
  if (a.clientOid !== null && oids.has(a.clientOid)) return "clientOid accepted before";
  const intent = intentKey(a);
  if (intent !== null && intents.has(intent)) return "same intent (symbol, time, side) accepted before";
  if (!a.reduceOnly && a.positionBefore !== 0) return `entry while the venue held ${a.positionBefore}`;
  if (!a.reduceOnly && a.openingOrdersBefore > 0) return "entry while another entry order rested";
  return null;
}

function intentKey(a: PlaceAttempt): string | null {
  const parts = a.clientOid === null ? null : parseClientOid(a.clientOid);
  return parts ? `${parts.symbol}|${parts.intentTimeMs}|${a.side}|${a.reduceOnly}` : null;
}

/** Rejected-order loops (module doc): runs of ≥ `run` refusals of one kind without an acceptance between. */
export function rejectedOrderLoops(attempts: readonly PlaceAttempt[], run = LOOP_RUN): Counted {
  const streak = new Map<string, number>();
  const examples: string[] = [];
  let count = 0;
  for (const a of attempts) {
    const kind = `${a.symbol} ${a.side} ${a.reduceOnly ? "reduce-only" : "opening"}`;
    if (a.orderId !== null) {
      streak.set(kind, 0);
      continue;
    }
    const n = (streak.get(kind) ?? 0) + 1;
    streak.set(kind, n);
    if (n !== run) continue;
    count++;
    if (examples.length < MAX_EXAMPLES) examples.push(`${kind}: ${run}+ refusals in a row, last code ${a.code}`);
  }
  return { count, examples };
}

/** A venue position as the soak samples it. */
export interface VenuePosition {
  readonly symbol: string;
  /** Signed size (long > 0). */
  readonly size: number;
  /** The exchange-side stop-loss trigger price, or null when there is none. */
  readonly stopLoss: number | null;
}

/** Positions of one sample without an exchange-side stop. */
export function unprotectedPositions(sample: readonly VenuePosition[]): number {
  return sample.filter((p) => p.size !== 0 && p.stopLoss === null).length;
}

/** What the stack says it holds on a symbol (its agent's engine position), or null. */
export interface StackPosition {
  readonly side: "long" | "short";
  readonly size: number;
}

/** Venue positions the stack does not hold (module doc); `stepOf` gives a symbol's size step. */
export function orphanPositions(
  venue: readonly VenuePosition[],
  stack: ReadonlyMap<string, StackPosition | null>,
  stepOf: (symbol: string) => number,
): Counted {
  const examples: string[] = [];
  let count = 0;
  for (const p of venue) {
    if (p.size === 0) continue;
    const held = stack.get(p.symbol) ?? null;
    const signed = held === null ? 0 : held.side === "long" ? held.size : -held.size;
    if (Math.abs(signed - p.size) <= stepOf(p.symbol) / 2) continue;
    count++;
    if (examples.length < MAX_EXAMPLES) examples.push(`${p.symbol}: venue holds ${p.size}, the stack ${signed}`);
  }
  return { count, examples };
}

/** One execution, from the venue's fills or a D1 `fills` row. */
export interface FillRecord {
  readonly clientOid: string;
  readonly symbol: string;
  readonly price: number;
  readonly size: number;
  /** Fee paid, ≥ 0. */
  readonly fee: number;
}

/** Relative tolerance of sizes and average prices (float sums), absolute one of fees in USDT. */
const REL = 1e-7;
const FEE_ABS = 1e-6;

/** Ledger mismatches (module doc): orders whose fills disagree between the venue and D1. */
export function ledgerMismatches(venue: readonly FillRecord[], ledger: readonly FillRecord[]): Counted {
  const v = byOrder(venue);
  const l = byOrder(ledger);
  const examples: string[] = [];
  let count = 0;
  for (const oid of new Set([...v.keys(), ...l.keys()])) {
    const why = disagreement(v.get(oid), l.get(oid));
    if (why === null) continue;
    count++;
    if (examples.length < MAX_EXAMPLES) examples.push(`${oid}: ${why}`);
  }
  return { count, examples };
}

interface OrderSum {
  readonly symbol: string;
  n: number;
  size: number;
  value: number;
  fee: number;
}

function byOrder(fills: readonly FillRecord[]): Map<string, OrderSum> {
  const out = new Map<string, OrderSum>();
  for (const f of fills) {
    const s = out.get(f.clientOid) ?? { symbol: f.symbol, n: 0, size: 0, value: 0, fee: 0 };
    s.n++;
    s.size += f.size;
    s.value += f.price * f.size;
    s.fee += f.fee;
    out.set(f.clientOid, s);
  }
  return out;
}

function disagreement(v: OrderSum | undefined, l: OrderSum | undefined): string | null {
  if (!v) return `${l?.n} fill(s) in D1, none at the venue`;
  if (!l) return `${v.n} fill(s) at the venue (${v.symbol} ${round(v.size)}), none in D1`;
  if (v.n !== l.n) return `${v.n} fill(s) at the venue, ${l.n} in D1`;
  if (!close(v.size, l.size)) return `size ${round(v.size)} at the venue, ${round(l.size)} in D1`;
  const [pv, pl] = [v.value / v.size, l.value / l.size];
  if (!close(pv, pl)) return `average price ${round(pv)} at the venue, ${round(pl)} in D1`;
  if (Math.abs(v.fee - l.fee) > FEE_ABS) return `fee ${round(v.fee)} at the venue, ${round(l.fee)} in D1`;
  return null;
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= REL * Math.max(Math.abs(a), Math.abs(b), 1e-12);
}

function round(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}
