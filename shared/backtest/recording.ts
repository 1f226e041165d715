import { type IngressCounts, MarketIngress } from "../exchange/bitget/market-ingress";
import type { MarketEvent } from "../market/events";

/** The header (line 1) of a recording in format v1 (../shared/data/recordings/README.md). */
export interface RecordingHeader {
  readonly format: "bitget-ws-recording";
  readonly version: 1;
  readonly instType: string;
  readonly symbols: string[];
  /** Connection losses of a live recording (the recorder writes them); replay resets the books at each. */
  readonly gaps?: readonly RecordingGap[];
  readonly [extra: string]: unknown;
}

/** A connection loss a live recording's header lists: from the last frame before it to the next connection's open. */
export interface RecordingGap {
  readonly from: number;
  readonly to: number;
  readonly reason?: string;
}

/** One decoded record: its receive time `t` and the market events of its push. */
export interface RecordingRecord {
  /** Local receive time on the recording machine (pacing only; the engine uses event `ts`). */
  readonly t: number;
  readonly events: MarketEvent[];
}

/** A parse result: the value, or an error naming the line and what is wrong. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** Parses and validates line 1 of a recording. */
export function parseRecordingHeader(line: string): ParseResult<RecordingHeader> {
  let h: unknown;
  try {
    h = JSON.parse(line);
  } catch {
    return { ok: false, error: "line 1: header is not JSON" };
  }
  if (typeof h !== "object" || h === null) return { ok: false, error: "line 1: header is not an object" };
  const o = h as Record<string, unknown>;
  if (o.format !== "bitget-ws-recording")
    return { ok: false, error: `line 1: format must be "bitget-ws-recording", got ${JSON.stringify(o.format)}` };
  if (o.version !== 1)
    return {
      ok: false,
      error: `line 1: unsupported version ${JSON.stringify(o.version)} (this reader knows version 1)`,
    };
  if (!Array.isArray(o.symbols) || !o.symbols.every((s) => typeof s === "string"))
    return { ok: false, error: "line 1: symbols must be an array of strings" };
  if (o.gaps !== undefined && !(Array.isArray(o.gaps) && o.gaps.every(isGap)))
    return { ok: false, error: "line 1: gaps must be an array of {from, to} times" };
  return { ok: true, value: o as unknown as RecordingHeader };
}

/**
 * Parses one record line `{"t": ms, "m": <push>}` (1-based `lineNo` for messages) and passes its push
 * through `ingress`: the events are what the ingress accepted (empty for a control frame, a duplicate
 * trade push, a stale book, a channel it does not handle). A fresh ingress per call judges the line on
 * its own; {@link RecordingIngress} carries one across a file, as the live feed does across frames.
 */
export function parseRecordingLine(
  line: string,
  lineNo: number,
  ingress: MarketIngress = new MarketIngress(),
): ParseResult<RecordingRecord> {
  const r = parseEnvelope(ingress, line, lineNo);
  return r.ok ? judge(ingress, r.value.t, r.value.m, lineNo) : r;
}

/**
 * Replays one recording file through the {@link MarketIngress}, as the live feed runs it: trades are
 * de-duplicated by id across the file (a resubscribe's snapshot repeats recent trades), books are
 * checked for continuity, and every connection loss the header lists in `gaps` resets the books
 * before the first push at or after its end (`to`, when the next connection opened), as the live
 * feed resets them when its socket drops.
 * Each file starts a fresh ingress: dedup and book state do not carry across files (a reconnect right
 * at an hour boundary can let the first trades of the next file repeat the last ones of this one; an
 * incremental `books` channel would wait for its next snapshot — the recorder does not record one).
 */
export class RecordingIngress {
  private readonly ingress = new MarketIngress();
  private readonly resets: number[];
  private nextReset = 0;

  /** Takes the file's header for its `gaps` (checked by {@link parseRecordingHeader}). */
  constructor(header: RecordingHeader) {
    this.resets = (header.gaps ?? []).map((g) => g.to).sort((a, b) => a - b);
  }

  /**
   * The record of one line: its receive time and the events the ingress accepted, null when it
   * accepted none (the live feed would hand on nothing), or an error naming the line.
   */
  line(line: string, lineNo: number): ParseResult<RecordingRecord | null> {
    const env = parseEnvelope(this.ingress, line, lineNo);
    if (!env.ok) return env;
    const { t, m } = env.value;
    let reset = false;
    while (this.nextReset < this.resets.length && this.resets[this.nextReset] <= t) {
      this.nextReset++;
      reset = true;
    }
    if (reset) this.ingress.connectionLost();
    const r = judge(this.ingress, t, m, lineNo);
    if (!r.ok) return r;
    return r.value.events.length === 0 ? { ok: true, value: null } : r;
  }

  /** What the ingress refused or repaired so far. */
  counts(): IngressCounts {
    return this.ingress.counts();
  }
}

function parseEnvelope(
  ingress: MarketIngress,
  line: string,
  lineNo: number,
): ParseResult<{ t: number; m: Record<string, unknown> }> {
  let rec: unknown;
  try {
    rec = ingress.parse(line);
  } catch {
    return { ok: false, error: `line ${lineNo}: not JSON` };
  }
  if (typeof rec !== "object" || rec === null) return { ok: false, error: `line ${lineNo}: not an object` };
  const { t, m } = rec as { t?: unknown; m?: unknown };
  if (typeof t !== "number" || !Number.isFinite(t)) return { ok: false, error: `line ${lineNo}: "t" must be a number` };
  if (m === undefined) return { ok: false, error: `line ${lineNo}: no push "m"` };
  if (typeof m !== "object" || m === null || Array.isArray(m))
    return { ok: false, error: `line ${lineNo}: not a Bitget push: push is not an object` };
  return { ok: true, value: { t, m: m as Record<string, unknown> } };
}

function judge(
  ingress: MarketIngress,
  t: number,
  m: Record<string, unknown>,
  lineNo: number,
): ParseResult<RecordingRecord> {
  const v = ingress.push(m);
  if (v.kind === "malformed") return { ok: false, error: `line ${lineNo}: not a Bitget push: ${v.reason}` };
  return { ok: true, value: { t, events: v.kind === "accepted" ? v.events : [] } };
}

function isGap(g: unknown): g is RecordingGap {
  if (typeof g !== "object" || g === null) return false;
  const { from, to } = g as { from?: unknown; to?: unknown };
  return typeof from === "number" && typeof to === "number" && Number.isFinite(from) && Number.isFinite(to);
}
