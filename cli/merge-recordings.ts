import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { recycleRecordingCache } from "./recording-cache";
import type { RecordingColumns } from "./recording-columns";
import {
  batchesOf,
  openRecording,
  readRecording,
  RecordingError,
  type ReadOptions,
  type SourcedRecord,
} from "./recording-file";
import type { RecordingHeader } from "../shared/backtest/recording";
import { QUOTES, splitSymbol } from "../shared/market/quote";

/**
 * Expands `--data` arguments: a file stands for itself, a folder for its `*.jsonl.gz` / `*.jsonl`
 * files (sorted by name). Throws {@link RecordingError} naming a path that does not exist or a
 * folder with no recordings.
 */
export async function expandDataPaths(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new RecordingError(`${p}: no such file or folder`);
    }
    if (!s.isDirectory()) {
      files.push(p);
      continue;
    }
    const inside = (await readdir(p)).filter((f) => f.endsWith(".jsonl.gz") || f.endsWith(".jsonl")).sort();
    if (inside.length === 0) throw new RecordingError(`${p}: folder holds no recordings (*.jsonl.gz)`);
    files.push(...inside.map((f) => join(p, f)));
  }
  return files;
}

/**
 * Merges several recordings into one stream ordered by receive time `t` (ties keep the order of
 * the files given), as the bot would have received them. Each file is streamed, or read from its
 * columnar cache with its records built a batch at a time (see ./recording-file.ts).
 */
export async function* mergeRecordings(
  files: readonly string[],
  opts: ReadOptions = {},
): AsyncGenerator<SourcedRecord> {
  for await (const batch of mergeRecordingBatches(files, opts)) {
    for (let i = 0; i < batch.length; i++) yield batch[i];
  }
}

/**
 * {@link mergeRecordings} in batches of consecutive records, in the same order: the files are read
 * a batch at a time and merged without an await per record. When every file is served from its
 * cache, the merge runs on the cached receive-time columns and builds each record only as it is
 * emitted, {@link MERGED_BATCH} records per batch.
 */
export async function* mergeRecordingBatches(
  files: readonly string[],
  opts: ReadOptions = {},
): AsyncGenerator<SourcedRecord[]> {
  const opened = await Promise.allSettled(files.map((f) => openRecording(f, opts)));
  const cursors: Cursor[] = [];
  try {
    for (const o of opened) if (o.status === "rejected") throw o.reason;
    const ready = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openRecording>>>).value);
    const columns = ready.map((o) => o.columns);
    if (columns.every((c) => c !== undefined)) {
      try {
        return yield* mergeColumns(columns as RecordingColumns[], files);
      } finally {
        for (const c of columns) recycleRecordingCache(c as RecordingColumns);
      }
    }
    cursors.push(...ready.map((o) => new Cursor(batchesOf(o))));
    await Promise.all(cursors.map((c) => c.fill()));
    yield* cursors.length === 1 ? single(cursors[0]) : merged(cursors);
  } finally {
    await Promise.allSettled(cursors.map((c) => c.close()));
  }
}

/** Records per batch of a merge served wholly from the cache. */
const MERGED_BATCH = 1024;

/**
 * Merges cached recordings by receive time (ties in file order), building each record as it is
 * emitted: it finds the file with the earliest next record, then takes its records while they stay
 * ahead of every other file's next one.
 */
function* mergeColumns(cols: readonly RecordingColumns[], files: readonly string[]): Generator<SourcedRecord[]> {
  const k = cols.length;
  const times = cols.map((c) => c.times);
  const ends = cols.map((c) => c.records);
  const pos = new Array<number>(k).fill(0);
  let out: SourcedRecord[] = [];
  for (;;) {
    let best = -1;
    let bestT = 0;
    let next = -1;
    let nextT = 0;
    for (let i = 0; i < k; i++) {
      if (pos[i] >= ends[i]) continue;
      const t = times[i][pos[i]];
      if (best < 0 || t < bestT) {
        next = best;
        nextT = bestT;
        best = i;
        bestT = t;
      } else if (next < 0 || t < nextT) {
        next = i;
        nextT = t;
      }
    }
    if (best < 0) break;
    const c = cols[best];
    const file = files[best];
    const end = next < 0 ? ends[best] : runEnd(times[best], pos[best], ends[best], nextT, best < next);
    for (let r = pos[best]; r < end; r++) {
      out.push(c.record(r, file));
      if (out.length < MERGED_BATCH) continue;
      yield out;
      out = [];
    }
    pos[best] = end;
  }
  if (out.length > 0) yield out;
}

/** The end of the run of records from `from` that come before a record at `bound` (or with it, when `winsTies`). */
function runEnd(times: Float64Array, from: number, to: number, bound: number, winsTies: boolean): number {
  let r = from + 1;
  if (winsTies) while (r < to && times[r] <= bound) r++;
  else while (r < to && times[r] < bound) r++;
  return r;
}

async function* single(only: Cursor): AsyncGenerator<SourcedRecord[]> {
  while (only.batch !== null) {
    yield only.batch;
    await only.refill();
  }
}

async function* merged(cursors: Cursor[]): AsyncGenerator<SourcedRecord[]> {
  let out: SourcedRecord[] = [];
  for (;;) {
    let best: Cursor | null = null;
    let bestT = 0;
    for (let i = 0; i < cursors.length; i++) {
      const c = cursors[i];
      if (c.batch === null) continue;
      const t = c.batch[c.pos].t;
      if (best === null || t < bestT) {
        best = c;
        bestT = t;
      }
    }
    if (best === null) break;
    const batch = best.batch as SourcedRecord[];
    out.push(batch[best.pos++]);
    if (best.pos < batch.length) continue;
    yield out;
    out = [];
    await best.refill();
  }
  if (out.length > 0) yield out;
}

/** The read position in one file's batches; `batch` is null once the file is exhausted. */
class Cursor {
  batch: SourcedRecord[] | null = null;
  pos = 0;

  constructor(private readonly it: AsyncGenerator<RecordingHeader | SourcedRecord[]>) {}

  /** Moves to the next non-empty batch, skipping the header. */
  async fill(): Promise<void> {
    for (;;) {
      const r = await this.it.next();
      if (r.done) {
        this.batch = null;
        return;
      }
      if (Array.isArray(r.value) && r.value.length > 0) {
        this.batch = r.value;
        this.pos = 0;
        return;
      }
    }
  }

  /** Stops reading the file (closes its stream). */
  async close(): Promise<void> {
    await this.it.return(undefined);
  }

  /** Drops the exhausted batch, then fills. */
  refill(): Promise<void> {
    this.batch = null;
    return this.fill();
  }
}

/** Reads only the header (line 1) of each file. */
export async function readHeaders(files: readonly string[], opts: ReadOptions = {}): Promise<RecordingHeader[]> {
  const out: RecordingHeader[] = [];
  for (const f of files) {
    const it = readRecording(f, opts)[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.(undefined);
    const header = first.value as RecordingHeader;
    const problem = untradable(header);
    if (problem !== null) throw new RecordingError(`${f}: ${problem}`);
    const mixed = mixedQuote(out, header);
    if (mixed !== null) throw new RecordingError(`${f}: ${mixed}`);
    out.push(header);
  }
  return out;
}

/** Why `header` can't join `before` in one portfolio (its quote currency differs), or null. */
function mixedQuote(before: readonly RecordingHeader[], header: RecordingHeader): string | null {
  const quotes = new Set([...before, header].flatMap((h) => h.symbols.map((s) => splitSymbol(s)?.quote)));
  if (quotes.size <= 1) return null;
  return `recordings quoted in ${[...quotes].join(" and ")} cannot share one portfolio: replay each quote currency on its own`;
}

/**
 * Why the engine cannot replay a recording's symbols, or null. It replays symbols quoted in one of
 * {@link QUOTES} (PnL then in that currency, shared/market/quote.ts); any other symbol is refused up
 * front instead of failing deep in the engine at its first entry.
 */
export function untradable(header: RecordingHeader): string | null {
  const bad = header.symbols.filter((s) => splitSymbol(s) === null);
  if (bad.length === 0) return null;
  return `symbol ${bad.join(", ")} cannot be traded by the engine: it replays symbols of [A-Z0-9] quoted in ${QUOTES.join(", ")} only (like BTCUSDT or XRPETH)`;
}

/**
 * Refuses to merge two files that carry the same symbol over overlapping time (for example a spot
 * and a perpetual capture of BTCUSDT): one engine per symbol would see two markets interleaved.
 * Uses the headers' `firstT` / `lastT`; files without them are not checked.
 */
export function overlappingSymbols(files: readonly string[], headers: readonly RecordingHeader[]): string | null {
  const seen = new Map<string, { file: string; first: number; last: number }[]>();
  for (let i = 0; i < files.length; i++) {
    const h = headers[i] as RecordingHeader & { firstT?: unknown; lastT?: unknown };
    if (typeof h.firstT !== "number" || typeof h.lastT !== "number") continue;
    for (const sym of h.symbols) {
      const spans = seen.get(sym) ?? [];
      const clash = spans.find((x) => (h.firstT as number) <= x.last && (h.lastT as number) >= x.first);
      if (clash) return `${sym} appears in ${clash.file} and ${files[i]} over the same time: backtest them separately`;
      spans.push({ file: files[i], first: h.firstT, last: h.lastT });
      seen.set(sym, spans);
    }
  }
  return null;
}

/**
 * Groups recordings into capture sessions: files whose names differ only by the symbol part
 * (`<venue>_<symbol>_<time>.bitget.jsonl.gz`) were recorded together and can be merged.
 */
export function sessionsOf(files: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const name = f.split(/[\\/]/).pop() ?? f;
    const key = name.replace(/_[a-z0-9]+usdt_/i, "_*_");
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()];
}
