import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CRONS, cronJob } from "../../workers/cron";
import worker from "../../workers/index";

describe("the scheduled handler", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(Object.entries(CRONS))("runs the %s cron and logs its name", async (job, cron) => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.UTC(2026, 3, 20) }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(log).toHaveBeenCalledWith(JSON.stringify({ event: "cron", cron, job }));
  });

  it("maps an unscheduled cron expression to no job", () => {
    expect(cronJob("0 * * * *")).toBeNull();
  });
});
