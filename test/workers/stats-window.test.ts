import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "./helpers";

/** The routes that read their window and mode with `StatsWindowQuery` and `statsWindow` (workers/routes/stats-window.ts). */
const ROUTES = ["/api/stats", "/api/equity"] as const;

const BAD_TIME = "expected epoch milliseconds or an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)";

/** Each refusal of the shared query: the query, the message, the field it names and what it says of it. */
const REFUSALS = [
  ["from=nope", "Invalid query parameter: from", "from", BAD_TIME],
  ["to=2026-13-45x", "Invalid query parameter: to", "to", BAD_TIME],
  ["from=2026-02-12&to=2026-02-10", "Invalid query parameter: from is after to", "from", "must not be after to"],
  [
    "from=2020-01-01&to=2026-01-01",
    "Invalid query parameter: from/to span more than 366 days",
    "from",
    "the window may span at most 366 days",
  ],
  ["mode=real", "Invalid query parameter: mode", "mode", 'Invalid option: expected one of "paper"|"demo"|"live"'],
  ["mode=", "Invalid query parameter: mode", "mode", 'Invalid option: expected one of "paper"|"demo"|"live"'],
  ["mode=live&modes=live", "Invalid query parameter: modes", "modes", "unknown field"],
] as const;

const cases = ROUTES.flatMap((route) => REFUSALS.map(([query, ...rest]) => [`${route}?${query}`, ...rest] as const));

async function ledgerAndConfig(): Promise<string> {
  const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM trades").first();
  return JSON.stringify({ rows, config: await env.COORDINATOR.getByName("portfolio").configState() });
}

describe("the window and mode query of /api/stats and /api/equity", () => {
  it.each(cases)("answers 400 to %s, naming the problem", async (path, message, field, says) => {
    const res = await api(path);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { code: "bad_request", message, details: [{ path: field, message: says }] },
    });
  });

  it("leaves the ledger and the config as they were when it refuses", async () => {
    const before = await ledgerAndConfig();
    for (const [path] of cases) expect((await api(path)).status).toBe(400);
    expect(await ledgerAndConfig()).toBe(before);
  });
});
