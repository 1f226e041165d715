/**
 * Trading state changes the portfolio rules made by themselves (no operator asked): the daily loss
 * limit reached or lifted by a new UTC day, a symbol's stop-loss cooldown started or ended. Found by
 * comparing the rules' view before and after a call, and told to the operator (#16). Operator halts
 * and the kill switch are announced by the API that received them.
 * @module
 */
import { type NotifyEvent, tradingStateChanged } from "../notify/notify-event";
import type { RulesView } from "../risk/portfolio-types";

/** The notifications for what changed between `before` and `after` (none when nothing did). */
export function stateChangeEvents(before: RulesView, after: RulesView): NotifyEvent[] {
  const events: NotifyEvent[] = [];
  if (!before.dailyHalted && after.dailyHalted) {
    const closing = after.requiresFlatten ? "; closing every position (flattenOnDailyLimit)" : "";
    events.push(tradingStateChanged({ state: "halted", reason: `${after.reason}${closing}`, ts: after.ts }));
  }
  if (before.dailyHalted && !after.dailyHalted)
    events.push(
      tradingStateChanged({ state: "resumed", reason: "new UTC day: the daily loss limit is lifted", ts: after.ts }),
    );
  const was = new Map(before.cooldowns.map((c) => [c.symbol, c.until]));
  const is = new Map(after.cooldowns.map((c) => [c.symbol, c.until]));
  for (const [symbol, until] of is)
    if (was.get(symbol) !== until)
      events.push(
        tradingStateChanged({
          state: "cooldown",
          symbol,
          reason: `stop-losses in a row: no entries until ${new Date(until).toISOString()}`,
          ts: after.ts,
        }),
      );
  for (const [symbol, until] of was)
    if (!is.has(symbol))
      events.push(tradingStateChanged({ state: "cooldown ended", symbol, reason: "entries allowed again", ts: until }));
  return events;
}
