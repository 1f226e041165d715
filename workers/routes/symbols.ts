/**
 * Symbol routes: the list with each agent's status, start/stop, and one agent's status (feed
 * health, latest features, scores, gates, position). The Coordinator keeps the list and the
 * enabled flags; agent RPC failures answer 502 (503 on timeout) naming the agent and method.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { callAgent, callAgents, coordinatorOf } from "../../durable-objects/agent-rpc";
import { SYMBOL_PATTERN } from "../../shared/config/settings";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { AgentStatusSchema, statusView } from "../schemas/agent-schema";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { list } from "../schemas/list";
import { apiRoutes } from "../validation";

/** Path parameters of the per-symbol routes. */
export const SymbolParam = z.strictObject({
  symbol: z
    .string()
    .regex(SYMBOL_PATTERN, "symbols look like BTCUSDT (uppercase, USDT-margined)")
    .openapi({ param: { name: "symbol", in: "path" }, example: "BTCUSDT" }),
});

async function knownEntry(env: Env, symbol: string) {
  const entry = (await coordinatorOf(env).symbols()).find((s) => s.symbol === symbol);
  if (entry === undefined) throw new ApiError(404, "not_found", `Symbol ${symbol} was never started`);
  return entry;
}

/** One symbol: its enabled flag and its agent's status. */
export const SymbolStateSchema = z
  .strictObject({ symbol: z.string(), enabled: z.boolean(), status: AgentStatusSchema })
  .openapi("SymbolState");

const SymbolListSchema = z.strictObject({
  symbols: list(
    z.strictObject({
      symbol: z.string(),
      enabled: z.boolean(),
      status: AgentStatusSchema.nullable().openapi({ description: "null when the agent did not answer" }),
      error: z.string().nullable().openapi({ description: "why the agent did not answer, else null" }),
    }),
  ),
});

const listSymbols = createRoute({
  method: "get",
  path: "/",
  summary: "Every symbol with its enabled flag and its agent's status (errors per symbol)",
  security: [{ bearer: [] }],
  responses: { 200: jsonResponse("Every symbol", SymbolListSchema), ...errorResponses() },
});

const getSymbol = createRoute({
  method: "get",
  path: "/{symbol}",
  summary: "One agent's status: feed health, latest features, scores, gates, position",
  security: [{ bearer: [] }],
  request: { params: SymbolParam },
  responses: { 200: jsonResponse("The symbol", SymbolStateSchema), ...errorResponses(400, 404, 502) },
});

const startSymbol = createRoute({
  method: "post",
  path: "/{symbol}/start",
  summary:
    "Enable the symbol and start its agent; 422 `unknown_symbol` (the symbol stays listed, disabled, its status saying why) when Bitget lists no USDT-FUTURES contract of it",
  security: [{ bearer: [] }],
  request: { params: SymbolParam },
  responses: {
    200: jsonResponse("The symbol after the start", SymbolStateSchema),
    ...errorResponses(400, 413, 422, 502),
  },
});

const stopSymbol = createRoute({
  method: "post",
  path: "/{symbol}/stop",
  summary: "Disable the symbol and stop its agent",
  security: [{ bearer: [] }],
  request: { params: SymbolParam },
  responses: {
    200: jsonResponse("The symbol after the stop", SymbolStateSchema),
    ...errorResponses(400, 404, 413, 502),
  },
});

/** Symbol routes (mounted at `/api/symbols`). */
export const symbolRoutes = apiRoutes()
  .openapi(listSymbols, async (c) => {
    const entries = await coordinatorOf(c.env).symbols();
    const statuses = await callAgents(
      c.env,
      entries.map((e) => e.symbol),
      "status",
      (a) => a.status(),
    );
    const symbols = entries.map((e, i) => {
      const s = statuses[i];
      return {
        symbol: e.symbol,
        enabled: e.enabled,
        status: s.ok ? statusView(s.value) : null,
        error: s.ok ? null : s.error,
      };
    });
    return c.json({ symbols }, 200);
  })
  .openapi(getSymbol, async (c) => {
    const { symbol } = c.req.valid("param");
    const entry = await knownEntry(c.env, symbol);
    const status = await callAgent(c.env, symbol, "status", (a) => a.status());
    return c.json({ symbol, enabled: entry.enabled, status: statusView(status) }, 200);
  })
  .openapi(startSymbol, async (c) => {
    const { symbol } = c.req.valid("param");
    await coordinatorOf(c.env).setSymbolEnabled(symbol, true);
    const status = await callAgent(c.env, symbol, "start", (a) => a.start(symbol));
    if (status.listing?.state === "unknown_symbol") {
      // The exchange has no such contract: nothing runs, and the watchdog must not restart it.
      await coordinatorOf(c.env).setSymbolEnabled(symbol, false);
      throw new ApiError(422, "unknown_symbol", status.listing.reason ?? `unknown symbol ${symbol}`, {
        symbol,
        listing: status.listing,
      });
    }
    return c.json({ symbol, enabled: true, status: statusView(status) }, 200);
  })
  .openapi(stopSymbol, async (c) => {
    const { symbol } = c.req.valid("param");
    await knownEntry(c.env, symbol);
    await coordinatorOf(c.env).setSymbolEnabled(symbol, false);
    const status = await callAgent(c.env, symbol, "stop", (a) => a.stop());
    return c.json({ symbol, enabled: false, status: statusView(status) }, 200);
  });
