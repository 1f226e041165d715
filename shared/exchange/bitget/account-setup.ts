/**
 * The account settings a live (or demo) runner trades on, set and then verified on start (#14):
 * the symbol's leverage (the config's `sizing.leverage`, which sizes entries), its margin mode and
 * the account's position (hold) mode. The broker encodes orders for crossed margin in one-way mode,
 * so those are the targets. Each setting the exchange reports differently is set; then the account
 * is read again and every difference that remains refuses trading, naming the setting, what the
 * exchange says and what was asked. An exchange refusal of a setting refuses trading with its code.
 * @module
 */
import type { AccountSummary, BitgetAccount } from "./bitget-account";
import { isBitgetError } from "./rest-errors";
import type { MarginMode, PositionMode } from "./rest-types";

/** What the runner needs the exchange to hold for its symbol. */
export interface AccountTargets {
  readonly leverage: number;
  readonly marginMode: MarginMode;
  readonly holdMode: PositionMode;
}

/** The targets of a config: its leverage, crossed margin and one-way mode (how the broker encodes orders). */
export function accountTargets(leverage: number): AccountTargets {
  return { leverage, marginMode: "crossed", holdMode: "one_way_mode" };
}

/** The account as verified, or why trading must not start (one line, no secret). */
export type AccountSetup =
  | { readonly ok: true; readonly summary: AccountSummary; readonly changed: readonly string[] }
  | { readonly ok: false; readonly reason: string };

/** The settings the exchange disagrees on, as `name X (wanted Y)`; empty when it holds the targets. */
export function accountDifferences(s: AccountSummary, want: AccountTargets): string[] {
  const out: string[] = [];
  if (s.holdMode !== want.holdMode) out.push(`position mode ${s.holdMode} (wanted ${want.holdMode})`);
  if (s.marginMode !== want.marginMode) out.push(`margin mode ${s.marginMode} (wanted ${want.marginMode})`);
  if (s.leverage !== want.leverage) out.push(`leverage ${s.leverage ?? "unknown"} (wanted ${want.leverage})`);
  return out;
}

/**
 * Sets what differs from `want` (position mode, then margin mode, then leverage: a margin-mode change
 * may reset the leverage), reads the account again and verifies it. Throws only on bugs and on
 * failures that are not exchange answers.
 */
export async function setUpAccount(
  account: BitgetAccount,
  symbol: string,
  want: AccountTargets,
): Promise<AccountSetup> {
  const trading = account.trading;
  const refuse = (detail: string): AccountSetup => ({
    ok: false,
    reason: `${trading} trading refused: the ${account.accountMode === "uta" ? "UTA" : "Classic"} account's ${symbol} ${detail}`,
  });
  const changed: string[] = [];
  const step = async (what: string, fn: () => Promise<void>): Promise<AccountSetup | null> => {
    try {
      await fn();
      changed.push(what);
      return null;
    } catch (e) {
      if (!isBitgetError(e)) throw e;
      return refuse(`${what} failed: ${e.code ? `code ${e.code}: ` : ""}${e.exchangeMessage}`);
    }
  };
  const before = await account.summary(symbol);
  const steps: [boolean, string, () => Promise<void>][] = [
    [before.holdMode !== want.holdMode, `set position mode ${want.holdMode}`, () => account.setHoldMode(want.holdMode)],
    [
      before.marginMode !== want.marginMode,
      `set margin mode ${want.marginMode}`,
      () => account.setMarginMode(symbol, want.marginMode),
    ],
    [
      before.leverage !== want.leverage,
      `set leverage ${want.leverage}`,
      () => account.setLeverage(symbol, want.leverage),
    ],
  ];
  for (const [needed, what, fn] of steps) {
    if (!needed) continue;
    const failed = await step(what, fn);
    if (failed) return failed;
  }
  const after = changed.length > 0 ? await account.summary(symbol) : before;
  const left = accountDifferences(after, want);
  if (left.length > 0) return refuse(`settings differ at the exchange after setting them: ${left.join(", ")}`);
  return { ok: true, summary: after, changed };
}
