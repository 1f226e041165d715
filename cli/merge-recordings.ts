import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { isRecord, readRecording, RecordingError, type SourcedRecord } from "./recording-file";

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
