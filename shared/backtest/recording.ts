import { decodePublicPush } from "../exchange/bitget/public-codec";
import type { MarketEvent } from "../market/events";

/** The header (line 1) of a recording in format v1 (../shared/data/recordings/README.md). */
export interface RecordingHeader {
  readonly format: "bitget-ws-recording";
  readonly version: 1;
  readonly instType: string;
  readonly symbols: string[];
  readonly [extra: string]: unknown;
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
  return { ok: true, value: o as unknown as RecordingHeader };
}

/** Parses one record line `{"t": ms, "m": <push>}` (1-based `lineNo` for messages). */
export function parseRecordingLine(line: string, lineNo: number): ParseResult<RecordingRecord> {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch {
    return { ok: false, error: `line ${lineNo}: not JSON` };
  }
  if (typeof rec !== "object" || rec === null) return { ok: false, error: `line ${lineNo}: not an object` };
  const { t, m } = rec as { t?: unknown; m?: unknown };
  if (typeof t !== "number" || !Number.isFinite(t)) return { ok: false, error: `line ${lineNo}: "t" must be a number` };
  if (m === undefined) return { ok: false, error: `line ${lineNo}: no push "m"` };
  const decoded = decodePublicPush(m);
  if (!decoded.ok) return { ok: false, error: `line ${lineNo}: not a Bitget push: ${decoded.reason}` };
  return { ok: true, value: { t, events: decoded.events } };
}
