/**
 * `GET /api/trades?symbol&from&to&limit&cursor`: closed trades, newest exit first, paginated by an
 * opaque cursor over (exit_time, id) descending, so pages are stable while new trades arrive.
 * @module
 */
import { and, desc, eq, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { createRoute, z } from "@hono/zod-openapi";
import { TRADE_MODES, trades } from "../../shared/db/schema";
import { ledgerDb } from "../../durable-objects/ledger";
import { SYMBOL_PATTERN } from "../../shared/config/settings";
import { errorResponses, jsonResponse } from "../schemas/error-schema";
import { list } from "../schemas/list";
import { timeParam } from "../time-params";
import { apiRoutes } from "../validation";

/** A position in the (exit_time, id) descending order: the last row of a page. */
export interface TradeCursor {
  readonly exitTime: number;
  readonly id: string;
}

/** Encodes a cursor as base64url of its UTF-8 JSON. */
export function encodeCursor(c: TradeCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([c.exitTime, c.id]));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Decodes a cursor made by {@link encodeCursor}; null when malformed. */
export function decodeCursor(s: string): TradeCursor | null {
  try {
    const binary = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const v: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === "string")
      return { exitTime: v[0], id: v[1] };
  } catch {
    return null;
  }
  return null;
}

/** Query of `GET /api/trades`. */
export const TradesQuery = z.strictObject({
  symbol: z.string().regex(SYMBOL_PATTERN, "symbols look like BTCUSDT").optional().openapi({ example: "BTCUSDT" }),
  from: timeParam().optional().openapi({ description: "exit time from, inclusive" }),
  to: timeParam(true).optional().openapi({ description: "exit time to, inclusive" }),
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ description: "page size" }),
  cursor: z
    .string()
    .transform(
      (s, ctx) =>
        decodeCursor(s) ??
        (ctx.addIssue({ code: "custom", message: "not a cursor returned by this endpoint" }), z.NEVER),
    )
    .optional()
    .openapi({ description: "`nextCursor` of the previous page", type: "string" }),
});

/** A closed trade as the ledger (D1 `trades`) holds it. */
export const TradeSchema = z
  .strictObject({
    id: z.string(),
    symbol: z.string(),
    mode: z.enum(TRADE_MODES),
    side: z.enum(["long", "short"]),
    entryTime: z.number(),
    exitTime: z.number(),
    entryPrice: z.number(),
    exitPrice: z.number(),
    size: z.number(),
    entryScore: z.number(),
    subScores: z.record(z.string(), z.number()),
    exitReason: z.string(),
    holdSeconds: z.number(),
    grossPnl: z.number(),
    fees: z.number(),
    slippage: z.number(),
    netPnl: z.number(),
    configVersion: z.string(),
  })
  .openapi("Trade");

const listTrades = createRoute({
  method: "get",
  path: "/",
  summary: "Closed trades, newest exit first, cursor-paginated over (exit_time, id)",
  security: [{ bearer: [] }],
  request: { query: TradesQuery },
  responses: {
    200: jsonResponse(
      "A page of trades",
      z.strictObject({
        trades: list(TradeSchema),
        nextCursor: z.string().nullable().openapi({ description: "null on the last page" }),
      }),
    ),
    ...errorResponses(400),
  },
});

/** Trade routes (mounted at `/api/trades`). */
export const tradeRoutes = apiRoutes().openapi(listTrades, async (c) => {
  const q = c.req.valid("query");
  const where: SQL[] = [];
  if (q.symbol !== undefined) where.push(eq(trades.symbol, q.symbol));
  if (q.from !== undefined) where.push(gte(trades.exitTime, q.from));
  if (q.to !== undefined) where.push(lte(trades.exitTime, q.to));
  if (q.cursor !== undefined)
    where.push(
      or(
        lt(trades.exitTime, q.cursor.exitTime),
        and(eq(trades.exitTime, q.cursor.exitTime), lt(trades.id, q.cursor.id)),
      ) as SQL,
    );
  const rows = await ledgerDb(c.env.DB)
    .select()
    .from(trades)
    .where(and(...where))
    .orderBy(desc(trades.exitTime), desc(trades.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > q.limit && last !== undefined ? encodeCursor({ exitTime: last.exitTime, id: last.id }) : null;
  return c.json({ trades: page, nextCursor }, 200);
});
