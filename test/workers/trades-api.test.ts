import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Trade } from "../../shared/db/schema";
import { insertTrades, ledgerDb } from "../../durable-objects/ledger";
import { api, tradeRow } from "./helpers";

const BASE = Date.UTC(2026, 2, 1, 10);
/** Seven trades; t-0003 and t-0004 close at the same millisecond (the id breaks the tie). */
const ROWS = [
  tradeRow(1, { exitTime: BASE + 1_000 }),
  tradeRow(2, { exitTime: BASE + 2_000, symbol: "ETHUSDT" }),
  tradeRow(3, { exitTime: BASE + 3_000 }),
  tradeRow(4, { exitTime: BASE + 3_000, symbol: "ETHUSDT" }),
  tradeRow(5, { exitTime: BASE + 5_000 }),
  tradeRow(6, { exitTime: BASE + 6_000, symbol: "ETHUSDT" }),
  tradeRow(7, { exitTime: BASE + 7_000 }),
];

interface Page {
  trades: Trade[];
  nextCursor: string | null;
}

async function page(query: string): Promise<Page> {
  const res = await api(`/api/trades?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

beforeAll(async () => {
  const db = ledgerDb(env.DB);
  await insertTrades(db, ROWS);
  await insertTrades(db, ROWS);
});

describe("GET /api/trades", () => {
  it("counts rows flushed twice once", async () => {
    expect((await page("limit=500")).trades).toHaveLength(ROWS.length);
  });

  it("pages newest exit first by (exit time, id) and ends with a null cursor", async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const p: Page = await page(`limit=3${cursor === null ? "" : `&cursor=${cursor}`}`);
      ids.push(...p.trades.map((t) => t.id));
      sizes.push(p.trades.length);
      cursor = p.nextCursor;
    } while (cursor !== null);
    expect(sizes).toEqual([3, 3, 1]);
    expect(ids).toEqual(["t-0007", "t-0006", "t-0005", "t-0004", "t-0003", "t-0002", "t-0001"]);
  });

  it("returns rows exactly as stored", async () => {
    const p = await page("limit=1");
    expect(p.trades[0]).toEqual(ROWS[6]);
  });

  it("filters by symbol and an inclusive exit-time window", async () => {
    expect((await page("symbol=ETHUSDT")).trades.map((t) => t.id)).toEqual(["t-0006", "t-0004", "t-0002"]);
    const window = await page(`from=${BASE + 3_000}&to=${new Date(BASE + 5_000).toISOString()}`);
    expect(window.trades.map((t) => t.id)).toEqual(["t-0005", "t-0004", "t-0003"]);
  });

  it("defaults to 100 rows a page", async () => {
    expect((await page("")).trades).toHaveLength(ROWS.length);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=abc", "limit"],
    ["symbol=btcusdt", "symbol"],
    ["from=yesterday", "from"],
    ["cursor=garbage", "cursor"],
    ["extra=1", "extra"],
  ])("answers 400 naming the bad parameter for %s", async (query, name) => {
    const res = await api(`/api/trades?${query}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details: { path: string }[] } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain(name);
    expect(body.error.details.map((d) => d.path)).toContain(name);
  });
});
