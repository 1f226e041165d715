/**
 * A one-line progress bar for long research runs, redrawn in place on a terminal (stderr) at most
 * every 100 ms; nothing is drawn when the stream is not a TTY.
 * @module
 */
import { performance } from "node:perf_hooks";

const WIDTH = 30;

/** The bar's text for `done` of `total` (e.g. `optimize [#########.....] 37/150 25%`). */
export function renderBar(label: string, done: number, total: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * WIDTH);
  return `${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${done}/${total} ${Math.floor(share * 100)}%`;
}

/** A progress callback drawing {@link renderBar} through `write` (throttled; the last call also ends the line). */
export function progressBar(
  label: string,
  write: ((text: string) => void) | undefined,
): ((done: number, total: number) => void) | undefined {
  if (write === undefined) return undefined;
  let last = -Infinity;
  return (done, total) => {
    const now = performance.now();
    const end = done >= total;
    if (!end && now - last < 100) return;
    last = now;
    write(`\r${renderBar(label, done, total)}${end ? "\n" : ""}`);
  };
}
