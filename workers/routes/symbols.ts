/**
 * Symbol routes: the list with each agent's status, start/stop, and one agent's status (feed
 * health, latest features, scores, gates, position). The Coordinator keeps the list and the
 * enabled flags; agent RPC failures answer 502 (503 on timeout) naming the agent and method.
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { callAgent, callAgents, coordinatorOf } from "../../durable-objects/agent-rpc";
import type { AppEnv, Env } from "../env";
import { ApiError } from "../errors";
import { SYMBOL_PATTERN } from "../../shared/config/settings";
import { validate } from "../validation";

/** Path parameters of the per-symbol routes. */
export const SymbolParam = z.strictObject({
  symbol: z.string().regex(SYMBOL_PATTERN, "symbols look like BTCUSDT (uppercase, USDT-margined)"),
});

async function knownEntry(env: Env, symbol: string) {
  const entry = (await coordinatorOf(env).symbols()).find((s) => s.symbol === symbol);
  if (entry === undefined) throw new ApiError(404, "not_found", `Symbol ${symbol} was never started`);
  return entry;
}

/** Symbol routes (mounted at `/api/symbols`). */
export const symbolRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const entries = await coordinatorOf(c.env).symbols();
    const statuses = await callAgents(
      c.env,
      entries.map((e) => e.symbol),
      "status",
      (a) => a.status(),
    );
    return c.json({
      symbols: entries.map((e, i) => {
        const s = statuses[i];
        return { symbol: e.symbol, enabled: e.enabled, status: s.ok ? s.value : null, error: s.ok ? null : s.error };
      }),
    });
  })
  .get("/:symbol", validate("param", SymbolParam), async (c) => {
    const { symbol } = c.req.valid("param");
    const entry = await knownEntry(c.env, symbol);
    const status = await callAgent(c.env, symbol, "status", (a) => a.status());
    return c.json({ symbol, enabled: entry.enabled, status });
  })
  .post("/:symbol/start", validate("param", SymbolParam), async (c) => {
    const { symbol } = c.req.valid("param");
    await coordinatorOf(c.env).setSymbolEnabled(symbol, true);
    const status = await callAgent(c.env, symbol, "start", (a) => a.start(symbol));
    return c.json({ symbol, enabled: true, status });
  })
  .post("/:symbol/stop", validate("param", SymbolParam), async (c) => {
    const { symbol } = c.req.valid("param");
    await knownEntry(c.env, symbol);
    await coordinatorOf(c.env).setSymbolEnabled(symbol, false);
    const status = await callAgent(c.env, symbol, "stop", (a) => a.stop());
    return c.json({ symbol, enabled: false, status });
  });
