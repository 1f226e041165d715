/**
 * One soak run: the local venue with a synthetic market, the stack (`wrangler dev`) in live mode on it
 * with {@link SOAK_CONFIG}, the symbols started, faults at {@link SOAK_RATES} plus timed stalls and
 * stop firings, and the stack process restarted over the same `--persist-to` state every
 * {@link RESTART_EVERY_MS} of uptime. Meanwhile the venue's order log, fills and positions are
 * recorded; at the end the faults stop, the run settles, the stack's positions are read, the symbols
 * are stopped (flushing the D1 outbox), the stack is stopped and its D1 `fills` read. The counts are
 * computed by counters.ts. After each boot the symbols' status is read once (as the dashboard does),
 * which wakes their Durable Objects; their persisted alarms would too.
 * @module
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type Stack, startStack } from "../stack";
import type { CoreFill } from "../venue/core-account";
import type { PlaceAttempt } from "../venue/exchange-core";
import { type FaultCounts, NO_FAULTS } from "../venue/faults";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../venue/server";
import {
  acceptedOrders,
  type Counted,
  duplicateOrders,
  ledgerMismatches,
  orphanPositions,
  rejectedOrderLoops,
  type StackPosition,
  unprotectedPositions,
  type VenuePosition,
} from "./counters";
import { readLiveFills } from "./d1-fills";
import {
  FEED_BURST_EVERY_MS,
  FEED_BURST_MS,
  FEED_BURST_RATES,
  RESTART_EVERY_MS,
  SETTLE_MS,
  SOAK_CONFIG,
  SOAK_RATES,
  SOAK_SYMBOLS,
  STALL_EVERY_MS,
  STALL_MS,
  STOP_EVERY_MS,
} from "./plan";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly minutes: number;
  readonly symbols?: readonly string[];
  /** Seed of the market and the fault streams (default 1). */
  readonly seed?: number;
  /** Restart period, ms of uptime (default {@link RESTART_EVERY_MS}); 0 = never. */
  readonly restartEveryMs?: number;
  /** No faults at all (no rates, stalls or stops fired): the baseline a clean run must read 0 on. */
  readonly calm?: boolean;
  /** Directory for the evidence behind the counts: the stack's log (`stack.log`), the venue's order log (`attempts.json`) and fills (`fills.json`). */
  readonly dumpDir?: string;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** The printed figures (definitions: counters.ts). */
export interface SoakReport {
  readonly minutes: number;
  readonly orders: number;
  readonly duplicateOrders: number;
  readonly rejectedOrderLoops: number;
  readonly unprotectedPositionSamples: number;
  readonly orphanPositionsAtEnd: number;
  readonly ledgerMismatches: number;
  readonly restarts: number;
  readonly faults: FaultCounts & { readonly stopsFired: number };
  /** Context, never counted: how much of the run the agents could enter (see {@link EntriesPaused}). */
  readonly entriesPaused: EntriesPaused;
}

/**
 * The agents' status samples (every 5 s per symbol) and the share, in %, in which entries were paused
 * by the feed gate (`entriesPaused` = `feed_unhealthy: …`), with that share by the feed's verdict reason.
 */
export interface EntriesPaused {
  readonly samples: number;
  readonly feedGatePct: number;
  readonly feedGateByReasonPct: Readonly<Record<string, number>>;
}

/** The report and a few examples behind each non-zero count. */
export interface SoakResult {
  readonly report: SoakReport;
  readonly examples: Readonly<Record<string, readonly string[]>>;
}

interface StatusAnswer {
  readonly status: {
    readonly running: boolean;
    readonly mode: string;
    readonly error: string | null;
    readonly position: StackPosition | null;
    readonly phase: string | null;
    readonly entriesBlocked: boolean;
    readonly entriesPaused?: string | null;
    readonly gates?: Readonly<Record<string, readonly { name: string; status: string }[]>> | null;
    readonly feed: { readonly healthy: boolean; readonly reason: string | null } | null;
    readonly alarmErrors?: readonly string[];
  };
}

/** One line of what an agent says at the end (why it stopped trading, if it did): context for the counts, never counted. */
function statusLine(symbol: string, s: StatusAnswer["status"]): string {
  const feed = s.feed ? (s.feed.healthy ? "healthy" : `unhealthy (${s.feed.reason})`) : "none";
  const alarm = s.alarmErrors && s.alarmErrors.length > 0 ? `, alarm errors: ${s.alarmErrors.join("; ")}` : "";
  return `soak: ${symbol} at the end: running ${s.running}, phase ${s.phase}, entries blocked ${s.entriesBlocked}, feed ${feed}, error ${s.error}${alarm}`;
}

/** Runs the soak; every process and directory it made is gone when it returns or throws. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const symbols = o.symbols ?? SOAK_SYMBOLS;
  const key = DEFAULT_CREDENTIALS.apiKey;
  const attempts: PlaceAttempt[] = [];
  const fills = new Map<string, CoreFill>();
  let unprotected = 0;
  let stopsFired = 0;
  let restarts = 0;
  const persistTo = mkdtempSync(join(tmpdir(), "edge-scalper-soak-"));
  const timers: NodeJS.Timeout[] = [];
  let venue: Venue | null = null;
  let stack: Stack | null = null;
  if (o.dumpDir !== undefined) mkdirSync(o.dumpDir, { recursive: true });
  try {
    venue = await startVenue({
      synthetic: { symbols, seed: o.seed ?? 1 },
      speed: 1,
      faults: { seed: o.seed ?? 1 },
      log: () => {},
      onPlace: (k, a) => k === key && attempts.push(a),
    });
    const v = venue;
    const boot = (migrate: boolean, port: number, token?: string) =>
      startStack({
        port,
        token,
        migrate,
        feedUrl: v.urls.wsPublic,
        persistTo,
        logFile: o.dumpDir === undefined ? undefined : join(o.dumpDir, "stack.log"),
        live: { restUrl: v.urls.rest, privateFeedUrl: v.urls.wsPrivate, credentials: DEFAULT_CREDENTIALS },
      });
    stack = await boot(true, 0);
    await stack.api("PATCH", "/api/config", SOAK_CONFIG);
    for (const s of symbols) {
      const r = await stack.api<StatusAnswer>("POST", `/api/symbols/${s}/start`);
      if (!r.status.running || r.status.mode !== "live")
        throw new Error(`${s} did not start in live mode: ${r.status.error ?? JSON.stringify(r.status)}`);
    }
    log(`soak: stack up at ${stack.url} (live on the venue ${v.urls.rest}), ${symbols.join(", ")} started`);
    if (!o.calm) v.faults.apply(SOAK_RATES);
    const sample = () => {
      for (const f of v.core.fillRecords(key, 1000)) fills.set(f.tradeId, f);
      unprotected += unprotectedPositions(venuePositions(v, key));
    };
    timers.push(setInterval(sample, 1_000));
    // Every 5 s each agent's own word on why it does not trade (the feed gate, a reconciliation
    // block): context for the counts (how much of the run the agents could trade), never counted.
    const paused = new Map<string, number>();
    const feedReasons = new Map<string, number>();
    let statusSamples = 0;
    const sampleStatus = async () => {
      for (const s of symbols) {
        const r = await stack?.api<StatusAnswer>("GET", `/api/symbols/${s}`).catch(() => null);
        if (!r) continue;
        statusSamples++;
        const why = r.status.entriesPaused ?? (r.status.entriesBlocked ? "entries_blocked" : null);
        if (why !== null) {
          const key = why.split(":")[0];
          paused.set(key, (paused.get(key) ?? 0) + 1);
          const reason = (r.status.feed?.reason ?? "none").split(":")[0];
          if (key === FEED_GATE) feedReasons.set(reason, (feedReasons.get(reason) ?? 0) + 1);
        }
        if (o.dumpDir !== undefined)
          appendFileSync(
            join(o.dumpDir, "status.jsonl"),
            `${JSON.stringify({ at: Date.now(), symbol: s, ...r.status, features: undefined, subScores: undefined, gates: failingGates(r.status.gates) })}\n`,
          );
      }
    };
    timers.push(setInterval(() => void sampleStatus(), 5_000));
    if (!o.calm) timers.push(setInterval(() => v.faults.apply({ stall: STALL_MS }), STALL_EVERY_MS));
    if (!o.calm)
      timers.push(
        setInterval(() => {
          v.faults.apply(FEED_BURST_RATES);
          timers.push(
            setTimeout(() => v.faults.apply({ malformed: SOAK_RATES.malformed, gap: SOAK_RATES.gap }), FEED_BURST_MS),
          );
        }, FEED_BURST_EVERY_MS),
      );
    if (!o.calm)
      timers.push(
        setInterval(() => {
          const target = venuePositions(v, key).find((p) => p.stopLoss !== null);
          if (target) stopsFired += v.core.fireStops(target.symbol);
        }, STOP_EVERY_MS),
      );
    const endAt = Date.now() + o.minutes * 60_000;
    const every = o.restartEveryMs ?? RESTART_EVERY_MS;
    const port = Number(new URL(stack.url).port);
    let upSince = Date.now();
    while (Date.now() < endAt) {
      await sleep(Math.min(1_000, Math.max(0, endAt - Date.now())));
      if (every <= 0 || Date.now() - upSince < every || Date.now() >= endAt) continue;
      const token = stack.token;
      await stack.stop();
      restarts++;
      stack = await boot(false, port, token);
      for (const s of symbols) await stack.api("GET", `/api/symbols/${s}`);
      upSince = Date.now();
      log(`soak: restart ${restarts} done (${Math.round((endAt - Date.now()) / 1000)} s left)`);
    }
    for (const t of timers.splice(0)) clearInterval(t);
    v.faults.apply({ ...NO_FAULTS, seed: v.faults.config.seed });
    log(`soak: faults off, settling ${SETTLE_MS / 1000} s`);
    const settleEnd = Date.now() + SETTLE_MS;
    while (Date.now() < settleEnd) {
      await sleep(1_000);
      sample();
    }
    const running = stack;
    const held = new Map<string, StackPosition | null>();
    const atEnd = venuePositions(v, key);
    for (const s of new Set([...symbols, ...atEnd.map((p) => p.symbol)])) {
      const { status } = await running.api<StatusAnswer>("GET", `/api/symbols/${s}`);
      held.set(s, status.position);
      log(statusLine(s, status));
    }
    const portfolio = await running
      .api<Record<string, unknown>>("GET", "/api/portfolio")
      .catch((e: Error) => e.message);
    log(`soak: portfolio at the end: ${JSON.stringify(portfolio).slice(0, 600)}`);
    const pct = (n: number) => Math.round((1000 * n) / Math.max(1, statusSamples)) / 10;
    const pausedShare = [...paused].map(([k, n]) => `${k} ${pct(n)} %`);
    log(`soak: entries paused in ${statusSamples} status samples: ${pausedShare.join(", ") || "never"}`);
    const steps = new Map(v.core.instrumentList().map((i) => [i.symbol, i.sizeStep]));
    const orphans = orphanPositions(atEnd, held, (s) => steps.get(s) ?? 0);
    for (const s of symbols) await running.api("POST", `/api/symbols/${s}/stop`);
    await running.stop();
    stack = null;
    const ledger = await readLiveFills(persistTo);
    const venueFills = [...fills.values()].map((f) => ({
      clientOid: f.clientOid,
      symbol: f.symbol,
      price: f.price,
      size: f.size,
      fee: f.fee,
    }));
    if (o.dumpDir !== undefined) {
      writeFileSync(join(o.dumpDir, "attempts.json"), JSON.stringify(attempts, null, 1));
      writeFileSync(join(o.dumpDir, "fills.json"), JSON.stringify([...fills.values()], null, 1));
      writeFileSync(join(o.dumpDir, "ledger.json"), JSON.stringify(ledger, null, 1));
    }
    const accepted = attempts.filter((a) => a.orderId !== null);
    const entries = accepted.filter((a) => !a.reduceOnly).length;
    log(`soak: accepted ${entries} opening and ${accepted.length - entries} reduce-only orders`);
    const counted: Record<string, Counted> = {
      duplicateOrders: duplicateOrders(attempts),
      rejectedOrderLoops: rejectedOrderLoops(attempts),
      orphanPositionsAtEnd: orphans,
      ledgerMismatches: ledgerMismatches(venueFills, ledger),
    };
    const report: SoakReport = {
      minutes: o.minutes,
      orders: acceptedOrders(attempts),
      duplicateOrders: counted.duplicateOrders.count,
      rejectedOrderLoops: counted.rejectedOrderLoops.count,
      unprotectedPositionSamples: unprotected,
      orphanPositionsAtEnd: orphans.count,
      ledgerMismatches: counted.ledgerMismatches.count,
      restarts,
      faults: { ...v.faults.counts, stopsFired },
      entriesPaused: {
        samples: statusSamples,
        feedGatePct: pct(paused.get(FEED_GATE) ?? 0),
        feedGateByReasonPct: Object.fromEntries([...feedReasons].map(([k, n]) => [k, pct(n)])),
      },
    };
    const examples: Record<string, readonly string[]> = {};
    for (const [name, c] of Object.entries(counted)) if (c.examples.length > 0) examples[name] = c.examples;
    return { report, examples };
  } finally {
    for (const t of timers) clearInterval(t);
    await stack?.stop();
    await venue?.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/** The `entriesPaused` prefix of the feed gate (shared/runner: `feed_unhealthy: <reason>: <detail>`). */
const FEED_GATE = "feed_unhealthy";

/** The gates that fail, by side (the dump's short form of the status's gates). */
function failingGates(g: StatusAnswer["status"]["gates"]): Record<string, string[]> | null {
  if (!g) return null;
  const out: Record<string, string[]> = {};
  for (const [side, list] of Object.entries(g)) out[side] = list.filter((x) => x.status === "fail").map((x) => x.name);
  return out;
}

function venuePositions(venue: Venue, key: string): VenuePosition[] {
  return venue.core
    .positionRecords(key)
    .map((p) => ({ symbol: p.pos.symbol, size: p.pos.size, stopLoss: p.pos.stopLoss }));
}
