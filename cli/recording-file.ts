import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import {
  parseRecordingHeader,
  RecordingIngress,
  type RecordingHeader,
  type RecordingRecord,
} from "../shared/backtest/recording";
import { loadRecordingCache, storeRecordingCache, type RecordingCacheOptions } from "./recording-cache";
import { RecordingColumnsBuilder, type RecordingColumns, type SourceStamp } from "./recording-columns";

const CHUNK = 1 << 20;
/** Records per batch when replaying from the cache. */
const CACHED_BATCH = 1024;

/** A recording file could not be read: the message names the file and, where known, the line. */
export class RecordingError extends Error {
  override readonly name = "RecordingError";
}

/** One record of a recording, with the file it came from. */
export interface SourcedRecord extends RecordingRecord {
  readonly file: string;
}

/** How a recording is read: through the columnar cache (the default, see ./recording-cache.ts) or not (`cache: false`). */
export interface ReadOptions {
  readonly cache?: false | RecordingCacheOptions;
}

/**
 * Streams a recording in format v1 (gzip JSON Lines): yields the header first, then every record
 * whose push the market ingress accepted with events (see `RecordingIngress`: duplicate trades and
 * broken or stale books are dropped as the live feed drops them). Throws {@link RecordingError}
 * naming the file and line on a missing file, a corrupt gzip stream, a bad header or a line that is
 * not a push. Served from the columnar cache when a valid one exists.
 */
export async function* readRecording(
  file: string,
  opts: ReadOptions = {},
): AsyncGenerator<RecordingHeader | SourcedRecord> {
  for await (const x of readRecordingBatches(file, opts)) {
    if (!Array.isArray(x)) yield x;
    else for (let i = 0; i < x.length; i++) yield x[i];
  }
}

/** {@link readRecording} into memory: the header and every record (for tests and small files). */
export async function readWholeRecording(
  file: string,
  opts: ReadOptions = {},
): Promise<{ header: RecordingHeader; records: SourcedRecord[] }> {
  const records: SourcedRecord[] = [];
  let header: RecordingHeader | undefined;
  for await (const x of readRecording(file, opts)) {
    if (isRecord(x)) records.push(x);
    else header = x;
  }
  // readRecording yields the header first or throws, so a missing one is a bug here.
  if (header === undefined) throw new Error(`readWholeRecording: ${file} gave no header`);
  return { header, records };
}

/**
 * {@link readRecording} in batches: the header, then arrays of consecutive records (one array per
 * decompressed chunk, or per {@link CACHED_BATCH} records from the cache), which spares the reader
 * one await per record. On a cache miss the records are also collected into columns, and the cache
 * is written once the whole file decoded without error and the source did not change meanwhile.
 */
export async function* readRecordingBatches(
  file: string,
  opts: ReadOptions = {},
): AsyncGenerator<RecordingHeader | SourcedRecord[]> {
  yield* batchesOf(await openRecording(file, opts));
}

/**
 * A recording opened for reading: its decoded columns when a valid cache exists (`columns`), else
 * the stream of its source in batches (`batches`, as {@link readRecordingBatches}; it fills the cache
 * when read to the end).
 */
export type OpenedRecording =
  | { readonly file: string; readonly columns: RecordingColumns; readonly batches?: undefined }
  | {
      readonly file: string;
      readonly columns?: undefined;
      readonly batches: AsyncGenerator<RecordingHeader | SourcedRecord[]>;
    };

/**
 * Opens `file`: loads its cache, or prepares to stream the source (nothing is read from the source
 * until the batches are). Throws {@link RecordingError} when the file does not exist.
 */
export async function openRecording(file: string, opts: ReadOptions = {}): Promise<OpenedRecording> {
  let st;
  try {
    st = await stat(file);
  } catch {
    throw new RecordingError(`${file}: no such file`);
  }
  const cache = opts.cache === false || !st.isFile() ? null : (opts.cache ?? {});
  if (cache === null) return { file, batches: decodeSource(file, null) };
  const stamp: SourceStamp = { size: st.size, mtimeMs: st.mtimeMs };
  const columns = loadRecordingCache(file, stamp, cache);
  if (columns !== null) return { file, columns };
  return { file, batches: decodeAndStore(file, stamp, cache) };
}

/** The batches of an opened recording: the header, then its records. */
export async function* batchesOf(opened: OpenedRecording): AsyncGenerator<RecordingHeader | SourcedRecord[]> {
  const cols = opened.columns;
  if (cols === undefined) return yield* opened.batches;
  yield cols.header;
  for (let r = 0; r < cols.records; r += CACHED_BATCH)
    yield cols.decode(r, Math.min(cols.records, r + CACHED_BATCH), opened.file);
}

async function* decodeAndStore(
  file: string,
  stamp: SourceStamp,
  cache: RecordingCacheOptions,
): AsyncGenerator<RecordingHeader | SourcedRecord[]> {
  const builder = new RecordingColumnsBuilder();
  yield* decodeSource(file, builder);
  const now = await stat(file).catch(() => null);
  if (now === null || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs) {
    cache.observe?.({ file, outcome: "not-written", reason: "the source changed while it was read" });
    return;
  }
  await storeRecordingCache(file, stamp, builder, cache);
}

async function* decodeSource(
  file: string,
  builder: RecordingColumnsBuilder | null,
): AsyncGenerator<RecordingHeader | SourcedRecord[]> {
  const gz = file.endsWith(".gz");
  // Large chunks: with the 16 KiB defaults the replay spends most of its time waiting on reads.
  const input = createReadStream(file, { highWaterMark: CHUNK });
  const stream = gz ? input.pipe(createGunzip({ chunkSize: CHUNK })) : input;
  input.on("error", (e) => stream.destroy(e));
  stream.setEncoding?.("utf8");
  let rest = "";
  let lineNo = 0;
  let ingress: RecordingIngress | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      let batch: SourcedRecord[] = [];
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        lineNo++;
        if (line.length === 0) continue;
        if (lineNo === 1) {
          const h = header(file, line, builder);
          ingress = new RecordingIngress(h);
          yield h;
          continue;
        }
        let rec: SourcedRecord | null;
        try {
          rec = record(file, line, lineNo, ingress as RecordingIngress, builder);
        } catch (e) {
          if (batch.length > 0) yield batch;
          batch = [];
          throw e;
        }
        if (rec !== null) batch.push(rec);
      }
      rest = text.slice(start);
      if (batch.length > 0) yield batch;
    }
  } catch (e) {
    if (e instanceof RecordingError) throw e;
    const why = (e as { code?: string }).code?.startsWith("Z_") ? "corrupt gzip data" : (e as Error).message;
    throw new RecordingError(`${file}: ${why} (after line ${lineNo})`);
  }
  if (rest.length > 0) {
    lineNo++;
    if (lineNo === 1) yield header(file, rest, builder);
    else {
      const rec = record(file, rest, lineNo, ingress as RecordingIngress, builder);
      if (rec !== null) yield [rec];
    }
  }
  if (lineNo === 0) throw new RecordingError(`${file}: empty file, no header`);
}

function header(file: string, line: string, builder: RecordingColumnsBuilder | null): RecordingHeader {
  const h = parseRecordingHeader(line);
  if (!h.ok) throw new RecordingError(`${file}: ${h.error}`);
  builder?.setHeader(h.value);
  return h.value;
}

/** The record of one line as the ingress judged it, null when it accepted no event; throws on a bad line. */
function record(
  file: string,
  line: string,
  lineNo: number,
  ingress: RecordingIngress,
  builder: RecordingColumnsBuilder | null,
): SourcedRecord | null {
  const r = ingress.line(line, lineNo);
  if (!r.ok) throw new RecordingError(`${file}: ${r.error}`);
  if (r.value === null) return null;
  builder?.add(r.value.t, r.value.events);
  return { t: r.value.t, events: r.value.events, file };
}

/** True for a record, false for the header. */
export function isRecord(x: RecordingHeader | SourcedRecord): x is SourcedRecord {
  return "events" in x;
}
