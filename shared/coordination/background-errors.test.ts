import { describe, expect, it } from "vitest";
import {
  BACKGROUND_ERRORS_KEY,
  BackgroundErrorBook,
  MAX_LAST_CHARS,
  NO_BACKGROUND_ERRORS,
  noteBackgroundError,
} from "./background-errors";

describe("background error counts", () => {
  it("count each failure and keep the last one with what failed and when", () => {
    const one = noteBackgroundError(NO_BACKGROUND_ERRORS, "worker notify enqueue", "Notifier down", 10);
    const two = noteBackgroundError(one, "worker config audit mirror", "D1_ERROR: no such table", 20);
    expect(one).toEqual({ count: 1, last: "worker notify enqueue: Notifier down", lastAt: 10 });
    expect(two).toEqual({ count: 2, last: "worker config audit mirror: D1_ERROR: no such table", lastAt: 20 });
  });

  it("bound the kept message", () => {
    const long = noteBackgroundError(NO_BACKGROUND_ERRORS, "x", "y".repeat(5_000), 1);
    expect(long.last?.length).toBe(MAX_LAST_CHARS);
    expect(long.count).toBe(1);
  });

  it("keep the count in storage, so a new book over the same storage goes on from it, and log each failure as one JSON line", () => {
    const kv = new Map<string, unknown>();
    const store = {
      get: <T>(k: string) => kv.get(k) as T | undefined,
      put: (k: string, v: unknown) => void kv.set(k, v),
    };
    const lines: string[] = [];
    const book = new BackgroundErrorBook(store, { now: () => 7, log: (l) => lines.push(l) });
    expect(book.get()).toEqual(NO_BACKGROUND_ERRORS);
    book.note("coordinator config push", new Error("agent BTCUSDT timed out"));
    const again = new BackgroundErrorBook(store, { now: () => 9, log: (l) => lines.push(l) });
    expect(again.note("worker cron", "boom")).toEqual({ count: 2, last: "worker cron: boom", lastAt: 9 });
    expect(kv.get(BACKGROUND_ERRORS_KEY)).toEqual(again.get());
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { event: "background_error", what: "coordinator config push", error: "agent BTCUSDT timed out" },
      { event: "background_error", what: "worker cron", error: "boom" },
    ]);
  });
});
