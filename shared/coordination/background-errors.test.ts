import { describe, expect, it } from "vitest";
import { MAX_LAST_CHARS, NO_BACKGROUND_ERRORS, noteBackgroundError } from "./background-errors";

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
});
