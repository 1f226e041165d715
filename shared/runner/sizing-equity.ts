/**
 * The equity that sizes one symbol's entries, the same rule in the backtester and in the SymbolAgent.
 *
 * Rule: the portfolio's realised equity plus the unrealised PnL of the OTHER symbols' positions. An
 * entry is only asked while the symbol is flat, so in the backtester this equals the portfolio's
 * marked-to-market equity at the decision. The SymbolAgent learns the portfolio from the Coordinator
 * every few seconds and adds its own closes at once in between ({@link SizingEquity}).
 *
 * Why not the snapshot's whole `equity`: taken while the agent's own position was open it holds that
 * position's unrealised PnL (at least −entry fee); adding the close's net PnL on top then counted the
 * trade twice, and the parity test saw 2 of 16 entries sized one contract step smaller in the stack
 * than in the backtester (issue 14, commit f843375).
 * @module
 */
import type { EquitySource } from "./ports";

/** The part of a portfolio snapshot the sizing rule reads. */
export interface EquityView {
  readonly realisedEquity: number;
  readonly openPositions: readonly { readonly symbol: string; readonly unrealised: number }[];
}

/** Realised equity plus the unrealised PnL of every position not of `symbol`. */
export function sizingEquityOf(view: EquityView, symbol: string): number {
  let e = view.realisedEquity;
  for (const p of view.openPositions) if (p.symbol !== symbol) e += p.unrealised;
  return e;
}

/**
 * The SymbolAgent's sizing equity: the last portfolio view from the Coordinator plus the agent's own
 * closes since. A view is applied only when it can already hold every close of this agent: none was
 * waiting for delivery when it was asked or when it came, and none happened meanwhile.
 */
export class SizingEquity implements EquitySource {
  private value: number;
  private closes = 0;

  constructor(
    readonly symbol: string,
    initial: number,
  ) {
    this.value = initial;
  }

  /** The equity now. */
  now(): number {
    return this.value;
  }

  /** A close of this symbol: its net PnL counts at once (the Coordinator hears it later). */
  onClose(netPnl: number): void {
    if (!Number.isFinite(netPnl)) return;
    this.value += netPnl;
    this.closes++;
  }

  /** A token to take before asking the portfolio; hand it to {@link apply} with the answer. */
  ask(): number {
    return this.closes;
  }

  /** Takes an equity as it is (the exchange account's balance in live mode); false when not finite. */
  set(equity: number): boolean {
    if (!Number.isFinite(equity)) return false;
    this.value = equity;
    return true;
  }

  /**
   * Applies a portfolio view asked at `token`. `undelivered`: whether closes of this agent were still
   * queued for the Coordinator when it was asked or when it came. Returns whether it was applied.
   */
  apply(view: EquityView, token: number, undelivered: boolean): boolean {
    if (undelivered || token !== this.closes) return false;
    const e = sizingEquityOf(view, this.symbol);
    if (!Number.isFinite(e)) return false;
    this.value = e;
    return true;
  }
}
