import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "./server";
import { arg, signedCall, TestSocket } from "./test-client";

const BTC = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;

const books15 = (ts: number, bid: string, ask: string) => ({
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books15", instId: "BTCUSDT" },
  data: [{ asks: [[ask, "1.000"]], bids: [[bid, "2.000"]], checksum: 0, seq: String(ts - T0 + 1), ts: String(ts) }],
  ts,
});
const trade = (ts: number, price: string) => ({
  action: "update",
  arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
  data: [{ ts: String(ts), price, size: "0.010", side: "buy", tradeId: `t${ts}` }],
  ts,
});

describe("venue manual market", () => {
  let venue: Venue | null = null;
  const sockets: TestSocket[] = [];
  const market = (body: unknown) =>
    fetch(`${venue!.urls.admin}/market`, { method: "POST", body: JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, unknown>,
    }));

  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.close());
    await venue?.close();
    venue = null;
  });

  it("plays injected pushes to subscribers and the matching core, and runs its clock on their ts", async () => {
    venue = await startVenue({ manual: { instruments: [BTC] }, log: () => {} });
    const s = await TestSocket.open(venue.urls.wsPublic);
    sockets.push(s);
    await s.subscribe([arg("trade", "BTCUSDT"), arg("books15", "BTCUSDT")]);
    const push = trade(T0 + 5, "1000.5");
    expect(await market([books15(T0, "1000.0", "1000.1"), push])).toEqual({ status: 200, body: { played: 2 } });
    const got = await s.waitFor(
      (f) => f.json?.data !== undefined && (f.json.arg as { channel: string }).channel === "trade",
    );
    expect((got.json!.data as unknown[])[0]).toEqual(push.data[0]);
    expect(venue.pushes()).toBe(2);
    expect(venue.clock()).toBe(T0 + 5);
    const depth = await signedCall(venue.urls.rest, DEFAULT_CREDENTIALS, "GET", "/api/v2/mix/market/merge-depth", {
      query: "productType=USDT-FUTURES&symbol=BTCUSDT",
    });
    expect(depth.body.data).toMatchObject({ bids: [["1000", "2"]], asks: [["1000.1", "1"]] });
  });

  it("plays nothing of a batch holding a bad push and says which one", async () => {
    venue = await startVenue({ manual: { instruments: [BTC] }, log: () => {} });
    const r = await market([
      trade(T0, "1000"),
      { ...trade(T0 + 1, "1000"), arg: { instType: "USDT-FUTURES", channel: "trade", instId: "ETHUSDT" } },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/push 1: symbol ETHUSDT/);
    expect(venue.pushes()).toBe(0);
    expect((await market({ event: "subscribe" })).status).toBe(400);
  });

  it("refuses injection on a venue that plays its own market", async () => {
    venue = await startVenue({ synthetic: { symbols: ["BTCUSDT"], seed: 1 }, speed: 1, log: () => {} });
    expect((await market(trade(T0, "1000"))).status).toBe(409);
    expect(venue.inject([trade(T0, "1000")]).ok).toBe(false);
  });

  it("needs exactly one market", async () => {
    await expect(
      startVenue({ manual: { instruments: [BTC] }, synthetic: { symbols: ["BTCUSDT"], seed: 1 }, log: () => {} }),
    ).rejects.toThrow(/exactly one market/);
    await expect(startVenue({ manual: { instruments: [] }, log: () => {} })).rejects.toThrow(/at least one instrument/);
  });
});
