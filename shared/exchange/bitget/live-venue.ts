/**
 * The agent loop's {@link LiveVenue} (shared/runner/agent-loop.ts) over a {@link BitgetLive}: which
 * of its parts answers each question the loop asks (the account for equity and positions, the broker
 * for lookups and fill replay), and what the loop hears while they are not open yet.
 * @module
 */
import type { LiveVenue } from "../../runner/agent-loop";
import type { BitgetLive } from "./bitget-live";

/** The parts of a {@link BitgetLive} the venue reads. */
export type LiveParts = Pick<
  BitgetLive,
  "start" | "stop" | "summary" | "reconcile" | "onEvent" | "account" | "broker" | "instrument"
>;

/** `live` as the loop's venue of `symbol`. */
export function liveVenue(live: LiveParts, symbol: string): LiveVenue {
  return {
    start: async () => {
      const started = await live.start();
      return started.ok ? null : started.reason;
    },
    stop: () => live.stop(),
    summary: () => live.summary(),
    equity: async () => (live.account ? (await live.account.equity()).equity : null),
    reconcile: () => live.reconcile(),
    replayFills: async (since) => {
      await live.broker?.reconcile();
      if (since !== null) await live.broker?.fillsSince(symbol, since);
    },
    positions: async () => (live.account ? await live.account.positions(symbol) : []),
    openOrders: (s) =>
      live.broker ? live.broker.openOrders(s) : Promise.reject(new Error("the live broker is not started")),
    orders: () => live.broker,
    stops: () => (live.broker?.hasStops ? live.broker : null),
    lookup: (s, clientOid) =>
      live.broker ? live.broker.order(s, clientOid) : Promise.reject(new Error("the live broker is not started")),
    instrument: () => live.instrument,
    onEvent: (e) => live.onEvent(e),
  };
}
