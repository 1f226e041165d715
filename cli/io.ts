/**
 * Where a CLI writes: summary lines to stdout, errors to stderr, and (on a terminal only) a
 * progress line redrawn in place. Tests pass their own collector.
 * @module
 */
import { rename, writeFile } from "node:fs/promises";

/** The output of a CLI. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Progress text, written as is (callers start it with `\r` to redraw); absent off a terminal. */
  progress?(text: string): void;
}

/** The process's stdout and stderr; progress only when stderr is a terminal. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY ? (text) => process.stderr.write(text) : undefined,
};

/** A CliIo that collects lines, for tests. */
export function captureIo(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, out, err };
}

/** What a CLI's `main` answered and wrote (lines joined), for tests. */
export interface CapturedRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs a CLI's `main(args, io)` with a collecting io, for tests. */
export async function runCaptured(
  main: (args: string[], io: CliIo) => Promise<number>,
  args: string[],
): Promise<CapturedRun> {
  const c = captureIo();
  const code = await main(args, c.io);
  return { code, out: c.out.join("\n"), err: c.err.join("\n") };
}

/** Writes `text` to `path` through a temporary file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
