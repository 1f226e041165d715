import { describe, expect, it } from "vitest";
import { EXIT_RETRY, nextExitRetry } from "./exit-retry";

describe("nextExitRetry", () => {
  it("waits one second after the first failure and doubles the wait after each further one", () => {
    expect([1, 2, 3, 4].map((n) => nextExitRetry(n, 10_000))).toEqual([
      { halted: false, retryAt: 11_000 },
      { halted: false, retryAt: 12_000 },
      { halted: false, retryAt: 14_000 },
      { halted: false, retryAt: 18_000 },
    ]);
  });

  it("halts at the cap of consecutive failures", () => {
    expect(nextExitRetry(EXIT_RETRY.maxFailures, 0)).toEqual({ halted: true });
    expect(nextExitRetry(EXIT_RETRY.maxFailures + 3, 0)).toEqual({ halted: true });
  });
});
