/**
 * A live-mode {@link SymbolRunner} over a scripted exchange, for the live-safety tests: the exchange
 * records every order and cancel, answers them as the test says (now, or never), and the test
 * delivers fills, including fills of orders the runner never placed (an exchange-side stop firing).
 * @module
 */
import { parseConfig } from "../../config/config";
import type { BotConfigInput } from "../../config/schema";
import type { VersionedConfig } from "../../config/versioned";
import type { NewFill, NewTrade } from "../../db/schema";
import type { OrderPort } from "../../execution/broker";
import type { StopPort } from "../../execution/exchange-stops";
import type { CancelResult, Fill, OrderRequest, OrderStatus, PlaceResult } from "../../execution/orders";
import type { TradeEvent } from "../../market/events";
import { defaultInstrument } from "../../market/instruments";
import type { SessionPortfolio } from "../../strategy/session";
import type { JournalStatus, OrderJournal } from "../ports";
import type { ExchangePosition } from "../recovery";
import type { SafetyEvent } from "../safety-events";
import { SymbolRunner, type SymbolRunnerOptions, type SymbolRunnerState } from "../symbol-runner";

/** Exchange time of the first trade. */
export const T0 = 1_700_000_000_000;

/** Gates wide open, market entries and exits without latency: a warmed-up engine enters at once. */
export const OPEN_LIVE: BotConfigInput = {
  mode: "live",
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market", latencyMs: 0, takeProfitOrder: "market" },
};

/** A parsed config with its version. */
export function versioned(input: BotConfigInput, version = "v1"): VersionedConfig {
  const r = parseConfig(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return { config: r.config, version };
}

/** How the scripted exchange answers a placement: accepted, refused with a reason, or never (a timeout). */
export type PlaceScript = (req: OrderRequest) => PlaceResult | "never";

/** The scripted exchange and the runner on it. */
export interface LiveFixture {
  readonly runner: SymbolRunner;
  /** Every order placed, in order. */
  readonly placed: OrderRequest[];
  /** Every cancel asked, by clientOid. */
  readonly cancels: string[];
  readonly calls: string[];
  readonly trades: NewTrade[];
  readonly fills: NewFill[];
  readonly safety: SafetyEvent[];
  readonly journal: Map<string, JournalStatus>;
  /** Sets how placements are answered from now on (default: accepted). */
  answerPlaces(script: PlaceScript): void;
  /** Sets how cancels are answered from now on (default: ok). */
  answerCancels(script: (clientOid: string) => CancelResult | "never"): void;
  /** Sets what an order lookup answers (default: the exchange never saw the order). */
  answerLookups(script: (clientOid: string) => OrderStatus | null | "throw"): void;
  /** How many lookups were asked. */
  lookups(): number;
  /** Sets what a read of the exchange's positions answers from now on (default: none held); "throw" fails it. */
  answerPositions(script: () => readonly ExchangePosition[] | "throw" | Promise<readonly ExchangePosition[]>): void;
  /** How many position reads were asked. */
  positionReads(): number;
  /** Fills an order the runner placed, at `price`, fee at the taker rate. */
  fill(req: OrderRequest, price: number, ts: number): Fill;
  /** One trade print at `ts`. */
  trade(ts: number, price: number, side?: "buy" | "sell"): void;
  /** A calm, gently rising market, one trade every 500 ms from {@link T0}, until `stop`; returns the last time. */
  runUntil(stop: () => boolean, max?: number): number;
  equity(): number;
}

/** Taker fee rate of the fixture's fills. */
export const TAKER = 0.0006;

/** A live runner on a scripted exchange (see {@link LiveFixture}); from `state` as after a restart. */
export function liveFixture(
  input: BotConfigInput = OPEN_LIVE,
  over: Partial<SymbolRunnerOptions> = {},
  stops?: StopPort,
  state?: SymbolRunnerState | null,
): LiveFixture {
  const placed: OrderRequest[] = [];
  const cancels: string[] = [];
  const calls: string[] = [];
  const trades: NewTrade[] = [];
  const fills: NewFill[] = [];
  const safety: SafetyEvent[] = [];
  const rows = new Map<string, JournalStatus>();
  const journal: OrderJournal = {
    sending: (req) => void rows.set(req.clientOid, "sending"),
    status: (oid) => rows.get(oid) ?? null,
    update: (oid, status) => void rows.set(oid, status),
  };
  let placeScript: PlaceScript = (req) => ({ ok: true, clientOid: req.clientOid });
  let cancelScript: (oid: string) => CancelResult | "never" = () => ({ ok: true, filledSize: 0 });
  let lookupScript: (oid: string) => OrderStatus | null | "throw" = () => null;
  let lookupCount = 0;
  let positionsScript: () => readonly ExchangePosition[] | "throw" | Promise<readonly ExchangePosition[]> = () => [];
  let positionReads = 0;
  const port: OrderPort = {
    reportsDone: false,
    place: (req) => {
      placed.push(req);
      const r = placeScript(req);
      return r === "never" ? new Promise<PlaceResult>(() => {}) : r;
    },
    cancel: (_symbol, oid) => {
      cancels.push(oid);
      const r = cancelScript(oid);
      return r === "never" ? new Promise<CancelResult>(() => {}) : r;
    },
  };
  let n = 0;
  const portfolio: SessionPortfolio = {
    requestEntry: (req) => (
      calls.push(`request ${req.side}`), { ok: true, reservationId: `r${++n}`, correlation: null, correlated: false }
    ),
    confirmOpen: (res) => void calls.push(`confirm ${res}`),
    releaseReservation: (res) => void calls.push(`release ${res}`),
    reportClose: (_s, r) => void calls.push(`close ${r.exitReason} ${r.netPnl.toFixed(6)}`),
    syncPosition: (_s, p) => void calls.push(`sync ${p.side} ${p.size} ${p.entryPrice.toFixed(6)}`),
  };
  let equity = 10_000;
  const instrument = defaultInstrument("BTCUSDT");
  const runner = new SymbolRunner(
    {
      symbol: "BTCUSDT",
      config: versioned(input),
      portfolio,
      equity: { now: () => equity, onClose: (pnl) => (equity += pnl) },
      live: {
        orders: () => port,
        instrument: () => instrument,
        onEvent: () => {},
        lookup: (_symbol, oid) => {
          lookupCount++;
          const r = lookupScript(oid);
          if (r === "throw") return Promise.reject(new Error("lookup timed out"));
          return Promise.resolve(r);
        },
        positions: async () => {
          positionReads++;
          const r = positionsScript();
          if (r === "throw") throw new Error("positions read timed out");
          return r;
        },
        ...(stops ? { stops: () => stops } : {}),
      },
      journal,
      ledger: { trade: (r) => trades.push(r), fill: (r) => fills.push(r) },
      hooks: { onSafety: (e) => safety.push(e) },
      ...over,
    },
    state,
  );
  let tradeId = 0;
  const trade = (ts: number, price: number, side: "buy" | "sell" = "buy") => {
    const e: TradeEvent = { kind: "trade", symbol: "BTCUSDT", ts, price, size: 0.5, side, id: String(++tradeId) };
    runner.onEvent(e);
  };
  let i = 0;
  return {
    runner,
    placed,
    cancels,
    calls,
    trades,
    fills,
    safety,
    journal: rows,
    answerPlaces: (s) => void (placeScript = s),
    answerCancels: (s) => void (cancelScript = s),
    answerLookups: (s) => void (lookupScript = s),
    lookups: () => lookupCount,
    answerPositions: (s) => void (positionsScript = s),
    positionReads: () => positionReads,
    fill: (req, price, ts) => {
      const f: Fill = {
        clientOid: req.clientOid,
        symbol: req.symbol,
        side: req.side,
        price,
        size: req.size,
        fee: price * req.size * TAKER,
        liquidity: "taker",
        ts,
        slippage: 0,
        final: true,
      };
      runner.onLiveFill(f);
      return f;
    },
    trade,
    runUntil: (stop, max = 400) => {
      for (let k = 0; k < max && !stop(); k++, i++)
        trade(T0 + i * 500, 100 + (i % 7) * 0.01 + i * 0.002, i % 3 ? "buy" : "sell");
      return T0 + (i - 1) * 500;
    },
    equity: () => equity,
  };
}
