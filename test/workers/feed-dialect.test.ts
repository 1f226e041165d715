/**
 * Issue #13 item 4 in workerd: the Worker var `FEED_DIALECT = "v3"` with `FEED_URL` on the v3 public
 * WebSocket switches an agent's market data to the v3 topics (`publicTrade`, `books*` with seq/pseq);
 * the same events come out, so a paper agent prices and judges the venue's market as on V2.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { SymbolAgent } from "../../durable-objects/symbol-agent";

const bindings = env as unknown as Record<string, string>;
const SYMBOL = "ETHUSDT";
const agent = () => env.SYMBOL_AGENT.getByName(SYMBOL);

/** The venue serves the v3 public topics beside V2 on the same port (cli/venue/server.ts). */
const v3FeedUrl = bindings.FEED_URL.replace("/v2/ws/public", "/v3/ws/public");

function withFeed(vars: Record<string, string>): Promise<void> {
  return runInDurableObject(agent(), (a: SymbolAgent) => {
    const own = a as unknown as { env: Record<string, unknown> };
    own.env = { ...own.env, ...vars };
  });
}

describe("FEED_DIALECT v3 on the local venue", () => {
  afterAll(async () => {
    await agent().stop();
  });

  it("receives the venue's trades and books over the v3 public topics and calls the feed healthy", async () => {
    expect(v3FeedUrl).toContain("/v3/ws/public");
    await withFeed({ FEED_DIALECT: "v3", FEED_URL: v3FeedUrl });
    expect(await agent().start(SYMBOL)).toMatchObject({ running: true, mode: "paper", error: null });
    const s = await vi.waitFor(
      async () => {
        const now = await agent().status();
        if (now.features?.price == null || !now.feed?.healthy) throw new Error(`not yet: ${now.feed?.reason}`);
        return now;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(s.feed).toMatchObject({ connected: true, healthy: true, gaps: 0 });
    expect(s.features?.price).toBeGreaterThan(100);
  }, 30_000);

  it("refuses to start on a dialect it does not know, naming it", async () => {
    await agent().stop();
    await withFeed({ FEED_DIALECT: "uta" });
    const s = await agent().start(SYMBOL);
    expect(s).toMatchObject({ running: false });
    expect(s.error).toContain('FEED_DIALECT must be v2 or v3, got "uta"');
  });
});
