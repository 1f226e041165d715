/**
 * `npm run bench`'s live-order latency, per account mode (issue #13): from the venue sending a public
 * push to the venue receiving the order that push caused, over REST, with the agent in live mode
 * in `wrangler dev` and the Bitget broker of the key's account system (Classic V2 or UTA v3).
 *
 * One venue in this process with two keys (a Classic and a UTA one) and the venue's probes
 * (`onPushSent`, `onOrderReceived`, both `performance.now()` in this process, so one clock). For
 * each mode a stack is started live against the venue with that key and a config that trades on
 * every decision: gates open, market entries, and an exit on any opposite score (`oppositeScoreAbove`
 * 0, no minimum hold), so a flat engine enters and an open one exits on the next push. Pushes are
 * sent one at a time; after each, the bench waits up to {@link ORDER_WAIT_MS} for a place-order to
 * arrive, and a push followed by one is a sample (push sent → order received). A push that causes
 * nothing (the engine waiting for a fill, a gate closed) is no sample. Limits: an order slower than
 * the window is lost (the tail is censored at {@link ORDER_WAIT_MS}), and one that arrives just after
 * the window is taken for the next push's (a too-short sample); both show under heavy load. Small sizes (1 % of equity at
 * 5×) keep the venue account far from its loss limits.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentStatusView } from "../shared/runner/agent-status";
import { startStack, type Stack } from "./stack";
import { instrumentsFor } from "./venue/market-source";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "./venue/server";
import type { AccountMode } from "./venue/venue-keys";

/** One bench figure (cli/bench.ts's shape). */
export interface LiveFigure {
  readonly key: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly note: string;
}

const SYMBOL = "BTCUSDT";
/** How long after a push an order is attributed to it, ms. */
const ORDER_WAIT_MS = 500;
/** Pause after a sample, so the fill reaches the agent before the next push, ms. */
const SETTLE_MS = 40;
const UTA_KEY = { apiKey: "bench-uta-key", apiSecret: "bench-uta-secret", passphrase: "bench-uta-pass" };

/** Trades on every decision (see the module doc). */
const LIVE_BENCH_CONFIG = {
  mode: "live",
  gates: { minScore: 0, minAgreeing: 0, minVolumeRatio: 0, minExpectedMoveFeeMultiple: 0, requireBook: false },
  execution: { entryOrder: "market", takeProfitOrder: "market" },
  exits: { minHoldMs: 0, oppositeScoreAbove: 0, stopLossPct: 5 },
  sizing: { capitalFractionPct: 1, leverage: 5 },
  portfolio: { dailyLossLimitPct: 100, cooldownAfterStopLosses: 0 },
};

/** `e2eLiveOrderP50Ms.classic`, `…P99Ms.classic`, `.uta`: nested per mode in `--json`. */
export async function benchE2eLive(quick: boolean): Promise<LiveFigure[]> {
  const pushes = new Map<number, number>();
  const orders: number[] = [];
  let venue: Venue | null = null;
  const out: LiveFigure[] = [];
  try {
    venue = await startVenue({
      manual: { instruments: instrumentsFor([SYMBOL]) },
      keys: [
        { credentials: DEFAULT_CREDENTIALS, accountMode: "classic" },
        { credentials: UTA_KEY, accountMode: "uta" },
      ],
      log: () => {},
      probes: {
        onPushSent: (e) => {
          if (e.symbol === SYMBOL) pushes.set(e.ts, e.at);
        },
        onOrderReceived: (e) => void orders.push(e.at),
      },
    });
    for (const mode of ["classic", "uta"] as const)
      out.push(...(await benchMode(venue, mode, quick, { pushes, orders })));
  } catch (e) {
    console.error(`bench: e2e live figures skipped: ${(e as Error).message}`);
  } finally {
    await venue?.close();
  }
  return out;
}

async function benchMode(
  venue: Venue,
  mode: AccountMode,
  quick: boolean,
  seen: { pushes: Map<number, number>; orders: number[] },
): Promise<LiveFigure[]> {
  const persistTo = mkdtempSync(join(tmpdir(), `edge-scalper-bench-live-${mode}-`));
  let stack: Stack | null = null;
  try {
    stack = await startStack({
      port: 0,
      feedUrl: venue.urls.wsPublic,
      persistTo,
      live: {
        restUrl: venue.urls.rest,
        privateFeedUrl: venue.urls.wsPrivate,
        privateFeedUrlV3: venue.urls.wsPrivateV3,
        credentials: mode === "uta" ? UTA_KEY : DEFAULT_CREDENTIALS,
      },
      config: LIVE_BENCH_CONFIG,
    });
    const started = await stack.api<{ status: AgentStatusView }>("POST", `/api/symbols/${SYMBOL}/start`);
    if (!started.status.running) throw new Error(`the ${mode} agent did not start: ${started.status.error}`);
    await connected(stack);
    const next = pushesFrom(Date.now());
    const warm = quick ? 40 : 80;
    const wanted = quick ? 60 : 200;
    const latencies: number[] = [];
    let sent = 0;
    for (let i = 0; latencies.length < wanted && i < wanted * 20; i++) {
      const push = next();
      seen.orders.length = 0;
      const r = venue.inject([push]);
      if (!r.ok) throw new Error(`the venue refused a push: ${r.error}`);
      sent++;
      const at = seen.pushes.get(push.ts);
      const deadline = Date.now() + ORDER_WAIT_MS;
      while (seen.orders.length === 0 && Date.now() < deadline) await sleep(1);
      const order = seen.orders[0];
      if (order === undefined || at === undefined || i < warm) continue;
      latencies.push(order - at);
      await sleep(SETTLE_MS);
    }
    if (latencies.length === 0) throw new Error(`no order followed a push in ${sent} pushes (${mode})`);
    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))];
    const mean = latencies.reduce((a, x) => a + x, 0) / latencies.length;
    const what = `${latencies.length} orders after ${sent} pushes, ${mode === "uta" ? "UTA v3" : "Classic V2"} key`;
    return [
      {
        key: `e2eLiveOrderP50Ms.${mode}`,
        value: round3(q(0.5)),
        unit: "ms",
        note: `venue sends a public push → venue receives the place-order it caused (live mode, wrangler dev, ${mode} broker); ${what}; mean ${mean.toFixed(2)} ms, min ${latencies[0].toFixed(2)} ms`,
      },
      {
        key: `e2eLiveOrderP99Ms.${mode}`,
        value: round3(q(0.99)),
        unit: "ms",
        target: "<= 5",
        note: `the same, 99th percentile (max ${latencies[latencies.length - 1].toFixed(2)} ms); load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores while measured`,
      },
    ];
  } finally {
    await stack?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

async function connected(stack: Stack): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < 30_000) {
    const { status } = await stack.api<{ status: AgentStatusView }>("GET", `/api/symbols/${SYMBOL}`);
    if (status.feed?.connected && status.account) return void (await sleep(1_000));
    await sleep(100);
  }
  throw new Error("the live agent's feed or account was not ready within 30 s");
}

/** Bitget V2 public pushes: a books1 snapshot every 5th push, trades otherwise, drifting gently; exchange times unique and current. */
function pushesFrom(start: number): () => Record<string, unknown> & { ts: number } {
  let i = 0;
  let last = start;
  return () => {
    const ts = Math.max(Date.now(), last + 1);
    last = ts;
    const price = 60_000 + 20 * Math.sin(i / 15) + (i % 3) * 0.5;
    const arg = (channel: string) => ({ instType: "USDT-FUTURES", channel, instId: SYMBOL });
    const push =
      i % 5 === 0
        ? {
            action: "snapshot",
            arg: arg("books1"),
            data: [
              {
                asks: [[(price + 0.1).toFixed(1), "2.000"]],
                bids: [[price.toFixed(1), "2.000"]],
                checksum: 0,
                seq: String(i + 1),
                ts: String(ts),
              },
            ],
            ts,
          }
        : {
            action: "update",
            arg: arg("trade"),
            data: [
              {
                ts: String(ts),
                price: price.toFixed(1),
                size: "0.050",
                side: i % 2 ? "buy" : "sell",
                tradeId: String(i + 1),
              },
            ],
            ts,
          };
    i++;
    return push;
  };
}
