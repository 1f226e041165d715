/**
 * The vocabulary of the portfolio rules: requests, decisions with typed refusal reasons,
 * positions, the snapshot and the persisted state of {@link Portfolio}.
 * @module
 */
import type { BotConfig } from "../config/schema";
import type { PositionSide } from "../execution/orders";
import type { ExitReason } from "../strategy/types";
import type { Cooldown, StopLossCooldownState } from "./cooldown";
import type { DailyLossState } from "./daily-loss";
import type { EdgeMonitorState, EdgeSnapshot } from "./edge-monitor";
import type { Portfolio } from "./portfolio";

/** The portfolio section of the bot config. */
export type PortfolioSettings = BotConfig["portfolio"];

/** ACTIVE: entries allowed. REDUCING: exits only (operator). HALTED: no entries (operator or daily loss limit). */
export type TradingState = "ACTIVE" | "REDUCING" | "HALTED";

/** A request to open a position. */
export interface EntryRequest {
  readonly symbol: string;
  readonly side: PositionSide;
  /** Intended notional, USDT (recorded on the reservation). */
  readonly notional: number;
  /** Exchange time of the decision. */
  readonly ts: number;
}

/** Why an entry was refused. */
export type EntryRefusalReason =
  | "halted"
  | "reducing"
  | "daily_loss_limit"
  | "max_positions"
  | "btc_correlation"
  | "cooldown"
  | "negative_edge"
  | "already_open"
  | "invalid_request";

/** Outcome of {@link Portfolio.requestEntry}: a reservation, or a refusal with a typed reason. */
export type EntryDecision =
  | {
      readonly ok: true;
      readonly reservationId: string;
      readonly correlation: number | null;
      readonly correlated: boolean;
    }
  | { readonly ok: false; readonly reason: EntryRefusalReason; readonly detail: string };

/**
 * Why the shell in front of the portfolio refused an entry before (or instead of) asking it:
 * - `reconcile_blocked`: the broker's position disagrees with the engine's, or (live, after a restart) recovery on start has
 *   not reconciled with the exchange yet; entries wait until it is resolved;
 * - `calls_pending`: earlier portfolio updates (confirm, release, close) are not delivered yet;
 * - `portfolio_unreachable`: the portfolio did not answer (RPC failure);
 * - `feed_unhealthy`: the market feed is disconnected, stale or gapped, so the book cannot be trusted.
 */
export type ShellRefusalReason = "reconcile_blocked" | "calls_pending" | "portfolio_unreachable" | "feed_unhealthy";

/** An answer to an entry request as the trading session sees it: the portfolio's, or the shell's refusal. */
export type EntryAnswer =
  | EntryDecision
  | { readonly ok: false; readonly reason: ShellRefusalReason; readonly detail: string };

/** A slot held for an entry order that has not filled yet; it counts as an open position. */
export interface Reservation {
  readonly id: string;
  readonly symbol: string;
  readonly side: PositionSide;
  readonly notional: number;
  readonly ts: number;
}

/** The fill that turns a reservation into a position. */
export interface EntryFill {
  readonly entryPrice: number;
  /** Size in base coin. */
  readonly size: number;
  readonly side: PositionSide;
  /** Time of the fill; defaults to the reservation's time. */
  readonly ts?: number;
  /** Entry fee paid, USDT; counted in unrealised PnL until the close reports the net PnL. */
  readonly entryFee?: number;
}

/** Outcome of {@link Portfolio.confirmOpen}. */
export type ConfirmResult =
  | { readonly ok: true; readonly symbol: string }
  | { readonly ok: false; readonly reason: "unknown_reservation" | "invalid_fill"; readonly detail: string };

/** A closed position as the engine reports it. */
export interface CloseReport {
  /** Realised PnL net of every fee, USDT. */
  readonly netPnl: number;
  readonly exitReason: ExitReason;
  readonly ts: number;
}

/** Outcome of {@link Portfolio.closePosition}. */
export type CloseResult =
  | {
      readonly ok: true;
      readonly symbol: string;
      readonly stopLossStreak: number;
      readonly cooldownUntil: number | null;
    }
  | { readonly ok: false; readonly reason: "not_open" | "invalid_pnl"; readonly detail: string };

/** An open position as the portfolio tracks it (JSON). */
export interface PortfolioPosition {
  readonly symbol: string;
  readonly side: PositionSide;
  readonly entryPrice: number;
  readonly size: number;
  readonly entryFee: number;
  readonly openedTs: number;
  readonly reservationId: string;
  markPrice: number;
  /** (mark − entry) × size for a long, the opposite for a short, minus the entry fee. */
  unrealised: number;
}

/** An open position in a {@link PortfolioSnapshot}, with its current correlation to BTC. */
export interface PositionView extends Readonly<PortfolioPosition> {
  readonly correlation: number | null;
  readonly correlated: boolean;
}

/** Everything the dashboard and the logs show about the portfolio. */
export interface PortfolioSnapshot {
  /** The engine clock: the latest event time seen. */
  readonly ts: number;
  /** Realised equity plus unrealised PnL. */
  readonly equity: number;
  readonly realisedEquity: number;
  readonly realisedToday: number;
  readonly unrealised: number;
  readonly dayStartEquity: number;
  /** equity − dayStartEquity. */
  readonly dailyPnl: number;
  /** dailyPnl as % of dayStartEquity; null when dayStartEquity <= 0. */
  readonly dailyPnlPct: number | null;
  /** Loss (positive amount) at which today halts. */
  readonly dailyLossLimit: number;
  readonly openPositions: PositionView[];
  readonly reservations: Reservation[];
  readonly tradingState: TradingState;
  readonly reason: string | null;
  readonly requiresFlatten: boolean;
  readonly cooldowns: Cooldown[];
  /** Per-symbol expectancy after fees, entry markouts and edge pauses (see `EdgeMonitor`). */
  readonly edge: EdgeSnapshot;
}

/** Serialisable state of {@link Portfolio} (the correlation rings are persisted separately). */
export interface PortfolioState {
  readonly version: 1;
  readonly config: PortfolioSettings;
  readonly clock: number;
  readonly realisedEquity: number;
  readonly operator: { readonly state: TradingState; readonly reason: string | null };
  readonly positions: PortfolioPosition[];
  readonly reservations: Reservation[];
  /** Reservations released for age whose late confirm still opens a position; absent in older states. */
  readonly expiredReservations?: Reservation[];
  readonly nextReservation: number;
  readonly daily: DailyLossState;
  readonly cooldown: StopLossCooldownState;
  /** Absent in states saved before the edge monitor existed. */
  readonly edge?: EdgeMonitorState;
}

/** What the rules decided by themselves at `ts` (see `Portfolio.rulesView`): compared before and after a call, it says what changed. */
export interface RulesView {
  readonly ts: number;
  readonly dailyHalted: boolean;
  readonly requiresFlatten: boolean;
  /** Why the day is halted; null when it is not. */
  readonly reason: string | null;
  readonly cooldowns: readonly Cooldown[];
}
