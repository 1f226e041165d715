/**
 * A cache of decoded recordings in columnar form (./recording-columns.ts), so that replaying the same
 * file again skips gunzip, JSON.parse and number parsing.
 *
 * One cache file per recording, named by sha256(absolute path, size, mtimeMs, {@link CACHE_FORMAT_VERSION}),
 * in `node_modules/.cache/edge-scalper/recordings/` under the working directory (`EDGE_SCALPER_CACHE_DIR`
 * overrides). It is written atomically (temporary file + rename) only after the whole recording decoded
 * without error, and it is read with one `readFile` and zero-copy typed-array views. Any cache that fails
 * a check (magic, version, source size and mtime, total length, CRC-32, section bounds) is ignored and rebuilt.
 * @module
 */
import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  CACHE_FORMAT_VERSION,
  RecordingColumns,
  type RecordingColumnsBuilder,
  type SourceStamp,
} from "./recording-columns";

/** Environment variable naming the cache folder (overrides the default under `node_modules/.cache`). */
export const CACHE_DIR_ENV = "EDGE_SCALPER_CACHE_DIR";

/** The cache folder is pruned, oldest first, down to this many bytes after each write. */
export const MAX_CACHE_DIR_BYTES = 2 * 1024 * 1024 * 1024;

/** At most this many buffers of finished reads are kept for reuse (see {@link recycleRecordingCache}). */
const SPARE_BUFFERS = 8;

/** Buffers of cache reads that finished, reused by later reads instead of allocating (and later collecting) as much again. */
const spare: Buffer[] = [];

/** The buffers {@link readCacheFile} allocated: only these are ever recycled. */
const owned = new WeakSet<ArrayBufferLike>();

/** What happened to the cache while reading one recording (for tests and diagnostics). */
export type CacheOutcome = "hit" | "miss" | "stale" | "written" | "not-written";

/** One cache observation: the recording, the outcome and, for `stale` / `not-written`, why. */
export interface CacheEvent {
  readonly file: string;
  readonly outcome: CacheOutcome;
  readonly reason?: string;
}

/** Settings of the cache; every field is optional. */
export interface RecordingCacheOptions {
  /** The cache folder (default {@link defaultCacheDir}). */
  readonly dir?: string;
  /** Called on every cache outcome: the observable hook of tests and diagnostics. */
  readonly observe?: (event: CacheEvent) => void;
}

/** The cache folder: `$EDGE_SCALPER_CACHE_DIR`, else `node_modules/.cache/edge-scalper/recordings` under the working directory. */
export function defaultCacheDir(): string {
  const env = process.env[CACHE_DIR_ENV];
  return resolve(env !== undefined && env !== "" ? env : join("node_modules", ".cache", "edge-scalper", "recordings"));
}

/** The cache file of `file` at `stamp`: sha256 of (absolute path, size, mtimeMs, format version). */
export function cacheFileFor(dir: string, file: string, stamp: SourceStamp): string {
  const key = createHash("sha256")
    .update(JSON.stringify([resolve(file), stamp.size, stamp.mtimeMs, CACHE_FORMAT_VERSION]))
    .digest("hex");
  return join(dir, `${key}.esrc`);
}

/**
 * Loads the cache of `file` at `stamp`: the columns, or null on a miss or an unusable cache (observed
 * as `miss` / `stale`). The file is read synchronously, in one read, into a spare buffer when one is
 * large enough: from the page cache that takes a fraction of what `fs.promises.readFile`'s chunked
 * reads through the thread pool do.
 */
export function loadRecordingCache(
  file: string,
  stamp: SourceStamp,
  opts: RecordingCacheOptions,
): RecordingColumns | null {
  const path = cacheFileFor(opts.dir ?? defaultCacheDir(), file, stamp);
  let buf: Buffer;
  try {
    buf = readCacheFile(path);
  } catch {
    opts.observe?.({ file, outcome: "miss" });
    return null;
  }
  const cols = RecordingColumns.open(buf, stamp);
  if (typeof cols === "string") {
    opts.observe?.({ file, outcome: "stale", reason: cols });
    return null;
  }
  opts.observe?.({ file, outcome: "hit" });
  return cols;
}

/**
 * Hands the buffer of columns that will not be read again back for reuse by the next load; the
 * columns refuse to decode afterwards. Events already decoded hold no reference to the buffer.
 */
export function recycleRecordingCache(cols: RecordingColumns): void {
  const buf = cols.close();
  if (buf === null || !owned.has(buf.buffer) || spare.length >= SPARE_BUFFERS) return;
  spare.push(buf);
}

function readCacheFile(path: string): Buffer {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const buf = takeSpare(size) ?? Buffer.allocUnsafeSlow(size);
    owned.add(buf.buffer);
    let at = 0;
    for (let n = 1; at < size && n > 0; at += n) n = readSync(fd, buf, at, size - at, at);
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** The smallest spare buffer of at least `size` bytes, taken out of the spares; or null. */
function takeSpare(size: number): Buffer | null {
  let best = -1;
  for (let i = 0; i < spare.length; i++)
    if (spare[i].length >= size && (best < 0 || spare[i].length < spare[best].length)) best = i;
  return best < 0 ? null : spare.splice(best, 1)[0];
}

let tmpSeq = 0;

/**
 * Writes the cache of `file` (its source still at `stamp`) atomically, then prunes the folder to
 * {@link MAX_CACHE_DIR_BYTES}. Never throws: a failure is observed as `not-written`.
 */
export async function storeRecordingCache(
  file: string,
  stamp: SourceStamp,
  builder: RecordingColumnsBuilder,
  opts: RecordingCacheOptions,
): Promise<void> {
  const dir = opts.dir ?? defaultCacheDir();
  const bytes = builder.encode(stamp);
  if (bytes === null) {
    opts.observe?.({ file, outcome: "not-written", reason: builder.failed ?? "no header" });
    return;
  }
  const path = cacheFileFor(dir, file, stamp);
  const tmp = `${path}.${process.pid}-${tmpSeq++}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    opts.observe?.({ file, outcome: "not-written", reason: (e as Error).message });
    return;
  }
  opts.observe?.({ file, outcome: "written" });
  await pruneCacheDir(dir, MAX_CACHE_DIR_BYTES).catch(() => undefined);
}

/** Deletes the oldest cache files (by mtime) until the folder holds at most `maxBytes`. */
export async function pruneCacheDir(dir: string, maxBytes: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".esrc"));
  const files = await Promise.all(
    names.map(async (n) => ({ path: join(dir, n), st: await stat(join(dir, n)).catch(() => null) })),
  );
  const live = files.filter((f) => f.st !== null).sort((a, b) => b.st!.mtimeMs - a.st!.mtimeMs);
  let total = 0;
  for (const f of live) {
    total += f.st!.size;
    if (total > maxBytes) await unlink(f.path).catch(() => undefined);
  }
}
