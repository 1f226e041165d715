import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isRecord, readRecording, RecordingError, type SourcedRecord } from "./recording-file";
import type { RecordingHeader } from "../shared/backtest/recording";

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
 * the files given), as the bot would have received them. Each file is streamed, not loaded.
 */
export async function* mergeRecordings(files: readonly string[]): AsyncGenerator<SourcedRecord> {
  const iters = files.map((f) => readRecording(f)[Symbol.asyncIterator]());
  const heads: (SourcedRecord | null)[] = await Promise.all(iters.map((it) => nextRecord(it)));
  for (;;) {
    let best = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== null && (best < 0 || h.t < (heads[best] as SourcedRecord).t)) best = i;
    }
    if (best < 0) return;
    yield heads[best] as SourcedRecord;
    heads[best] = await nextRecord(iters[best]);
  }
}

async function nextRecord(it: AsyncIterator<unknown>): Promise<SourcedRecord | null> {
  for (;;) {
    const r = await it.next();
    if (r.done) return null;
    const x = r.value as Parameters<typeof isRecord>[0];
    if (isRecord(x)) return x;
  }
}

/** Reads only the header (line 1) of each file. */
export async function readHeaders(files: readonly string[]): Promise<RecordingHeader[]> {
  const out: RecordingHeader[] = [];
  for (const f of files) {
    const it = readRecording(f)[Symbol.asyncIterator]();
    const first = await it.next();
    await it.return?.(undefined);
    out.push(first.value as RecordingHeader);
  }
  return out;
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
      const clash = spans.find((x) => h.firstT as number <= x.last && (h.lastT as number) >= x.first);
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
