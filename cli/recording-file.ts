import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createGunzip } from "node:zlib";
import { parseRecordingHeader, parseRecordingLine, type RecordingHeader, type RecordingRecord } from "../shared/backtest/recording";

const CHUNK = 1 << 20;

/** A recording file could not be read: the message names the file and, where known, the line. */
export class RecordingError extends Error {
  override readonly name = "RecordingError";
}

/** One record of a recording, with the file it came from. */
export interface SourcedRecord extends RecordingRecord {
  readonly file: string;
}

/**
 * Streams a recording in format v1 (gzip JSON Lines): yields the header first, then every record.
 * Throws {@link RecordingError} naming the file and line on a missing file, a corrupt gzip stream,
 * a bad header or a line that is not a push.
 */
export async function* readRecording(file: string): AsyncGenerator<RecordingHeader | SourcedRecord> {
  try {
    await stat(file);
  } catch {
    throw new RecordingError(`${file}: no such file`);
  }
  const gz = file.endsWith(".gz");
  // Large chunks: with the 16 KiB defaults the replay spends most of its time waiting on reads.
  const input = createReadStream(file, { highWaterMark: CHUNK });
  const stream = gz ? input.pipe(createGunzip({ chunkSize: CHUNK })) : input;
  input.on("error", (e) => stream.destroy(e));
  stream.setEncoding?.("utf8");
  let rest = "";
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        lineNo++;
        if (line.length > 0) yield parse(file, line, lineNo);
      }
      rest = text.slice(start);
    }
  } catch (e) {
    if (e instanceof RecordingError) throw e;
    const why = (e as { code?: string }).code?.startsWith("Z_") ? "corrupt gzip data" : (e as Error).message;
    throw new RecordingError(`${file}: ${why} (after line ${lineNo})`);
  }
  if (rest.length > 0) yield parse(file, rest, ++lineNo);
  if (lineNo === 0) throw new RecordingError(`${file}: empty file, no header`);
}

function parse(file: string, line: string, lineNo: number): RecordingHeader | SourcedRecord {
  if (lineNo === 1) {
    const h = parseRecordingHeader(line);
    if (!h.ok) throw new RecordingError(`${file}: ${h.error}`);
    return h.value;
  }
  const r = parseRecordingLine(line, lineNo);
  if (!r.ok) throw new RecordingError(`${file}: ${r.error}`);
  return { t: r.value.t, events: r.value.events, file };
}

/** True for a record, false for the header. */
export function isRecord(x: RecordingHeader | SourcedRecord): x is SourcedRecord {
  return "events" in x;
}
