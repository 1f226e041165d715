/**
 * One parity run: a recording through the backtester, and the same recording played by the local
 * venue into the running stack (`wrangler dev`, paper mode), with the trades the stack wrote to D1.
 *
 * The venue runs a manual market and this module paces the recording into it with the venue's own
 * {@link MarketPlayer} (receive times × 1/speed), so that the replay starts only once the agent has
 * connected and subscribed: a recordings venue starts playing the moment it listens, and the first
 * pushes would reach nobody. The venue publishes every injected push on its public WebSocket as a
 * recording venue would.
 *
 * After the last push the run waits until the agent has ingested it (its status lists the newest
 * event time it received), then stops the symbol, which delivers the Coordinator calls and flushes
 * the D1 outbox. Stopping within a second of the end keeps the agent's silent-market ticks (after
 * 3 s of wall-time silence) from closing positions the backtester closes at `end_of_data`.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { runBacktest } from "../../cli/backtest";
import { startStack, type Stack } from "../../cli/stack";
import { instrumentsFor, MarketPlayer, recordingSource } from "../../cli/venue/market-source";
import { startVenue, type Venue } from "../../cli/venue/server";
import type { Receipt } from "../../shared/runner/receipt-ring";
import type { AgentStatusView } from "../../shared/runner/agent-status";
import { parseConfig } from "../../shared/config/config";
import type { ClosedTrade } from "../../shared/strategy/types";
import type { ComparableTrade } from "./compare-trades";

/** Options of {@link runParity}. */
export interface ParityOptions {
  /** One recording file of one symbol. */
  readonly file: string;
  readonly symbol: string;
  /** The config patch given to both (the backtester parses it over the defaults; the stack PATCHes it). */
  readonly config: unknown;
  /** Replay speed through the venue (× real time). */
  readonly speed: number;
  /** Progress notes. */
  readonly log?: (line: string) => void;
}

/** A trade as `GET /api/trades` returns it. */
export interface LedgerTrade extends ComparableTrade {
  readonly id: string;
  readonly symbol: string;
  readonly mode: string;
  readonly configVersion: string;
}

/** What both sides produced. */
export interface ParityResult {
  readonly backtest: {
    readonly trades: ClosedTrade[];
    readonly version: string;
    readonly lastTs: number | null;
    readonly events: number;
  };
  /** Ledger trades in exit order (oldest first). */
  readonly stack: {
    readonly trades: LedgerTrade[];
    readonly version: string;
    /** The agent's status after the last push, before it was stopped (feed health, phase). */
    readonly status: AgentStatusView;
    /** Ledger rows still waiting in the agent's outbox after the stop's flush (0 when all reached D1). */
    readonly outboxAfterStop: number;
  };
  /** Pushes injected into the venue and the wall time the replay took. */
  readonly replay: { readonly pushes: number; readonly wallMs: number; readonly newestTs: number };
}

/** Starting equity of both sides, USDT (the backtester's capital, the stack's START_EQUITY). */
export const PARITY_CAPITAL = 1000;

interface SymbolAnswer {
  readonly status: AgentStatusView;
}

/** Runs both sides; every process and directory it made is gone when it returns or throws. */
export async function runParity(o: ParityOptions): Promise<ParityResult> {
  const log = o.log ?? (() => {});
  const parsed = parseConfig(o.config);
  if (!parsed.ok) throw new Error(`parity config is invalid: ${JSON.stringify(parsed.issues)}`);
  const { run } = await runBacktest([o.file], parsed.config, parsed.version, PARITY_CAPITAL, {
    deterministic: true,
    read: { cache: false },
  });
  log(`backtest: ${run.trades.length} trades over ${run.events} events`);
  const persistTo = mkdtempSync(join(tmpdir(), "edge-scalper-parity-"));
  let venue: Venue | null = null;
  let stack: Stack | null = null;
  let player: MarketPlayer | null = null;
  try {
    venue = await startVenue({ manual: { instruments: instrumentsFor([o.symbol]) }, log: () => {} });
    stack = await startStack({
      port: 0,
      feedUrl: venue.urls.wsPublic,
      persistTo,
      config: o.config,
      vars: { START_EQUITY: String(PARITY_CAPITAL) },
    });
    const running = stack;
    log(`stack up at ${stack.url}`);
    const started = await stack.api<SymbolAnswer>("POST", `/api/symbols/${o.symbol}/start`);
    if (!started.status.running) throw new Error(`the agent did not start: ${started.status.error}`);
    await until(
      async () => (await status(running, o.symbol)).feed?.connected === true,
      20_000,
      "the agent's feed to connect",
    );
    // The subscribe (trade, books15, books1) goes out on open and is acknowledged in milliseconds.
    await sleep(1_000);
    const replay = await play(venue, o.file, o.speed, (p) => (player = p));
    log(`replayed ${replay.pushes} pushes in ${replay.wallMs} ms`);
    await caughtUp(stack, o.symbol, replay.newestTs);
    const last = await status(stack, o.symbol);
    const stopped = await stack.api<SymbolAnswer>("POST", `/api/symbols/${o.symbol}/stop`);
    const trades = await ledgerTrades(stack, o.symbol);
    const { version } = await stack.api<{ version: string }>("GET", "/api/config");
    return {
      backtest: { trades: run.trades, version: parsed.version, lastTs: run.lastTs, events: run.events },
      stack: { trades, version, status: last, outboxAfterStop: stopped.status.outboxPending },
      replay,
    };
  } finally {
    (player as MarketPlayer | null)?.stop();
    await stack?.stop();
    await venue?.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

async function play(
  venue: Venue,
  file: string,
  speed: number,
  started: (p: MarketPlayer) => void,
): Promise<ParityResult["replay"]> {
  let pushes = 0;
  let newestTs = 0;
  let failure: string | null = null;
  const player = new MarketPlayer({
    source: await recordingSource([file]),
    speed,
    onPush: (p) => {
      const r = venue.inject([p.msg]);
      if (!r.ok) failure ??= r.error;
      pushes++;
      for (const e of p.events) newestTs = Math.max(newestTs, e.ts);
    },
    onError: (e) => (failure ??= (e as Error).message),
  });
  started(player);
  await player.prime();
  const t0 = Date.now();
  await player.run();
  if (failure) throw new Error(`replay failed: ${failure}`);
  return { pushes, wallMs: Date.now() - t0, newestTs };
}

/** Waits until the agent received an event as new as the newest played and then nothing more for 300 ms. */
async function caughtUp(stack: Stack, symbol: string, newestTs: number): Promise<void> {
  let seen = -Infinity;
  let last: Receipt | undefined;
  let quietSince = 0;
  await until(
    async () => {
      const receipts = (await status(stack, symbol)).receipts;
      for (const r of receipts) seen = Math.max(seen, r.ts);
      const now = receipts.at(-1);
      if (now?.receivedAt !== last?.receivedAt || now?.ts !== last?.ts) quietSince = Date.now();
      last = now;
      return seen >= newestTs && Date.now() - quietSince >= 300;
    },
    10_000,
    () => `the agent to ingest the last push (newest event time played ${newestTs}, received ${seen})`,
  );
}

async function status(stack: Stack, symbol: string): Promise<AgentStatusView> {
  return (await stack.api<SymbolAnswer>("GET", `/api/symbols/${symbol}`)).status;
}

async function ledgerTrades(stack: Stack, symbol: string): Promise<LedgerTrade[]> {
  const out: LedgerTrade[] = [];
  let cursor: string | null = null;
  do {
    const page: { trades: LedgerTrade[]; nextCursor: string | null } = await stack.api(
      "GET",
      `/api/trades?symbol=${symbol}&limit=500${cursor ? `&cursor=${cursor}` : ""}`,
    );
    out.push(...page.trades);
    cursor = page.nextCursor;
  } while (cursor);
  return out.reverse();
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${typeof what === "string" ? what : what()}`);
}
