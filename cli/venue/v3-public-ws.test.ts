import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { V3BookSync } from "../../shared/exchange/bitget/v3-book-sync";
import { decodeV3PublicPush } from "../../shared/exchange/bitget/v3-public-codec";
import { NO_FAULTS } from "./faults";
import { startVenue, type Venue } from "./server";
import { type Frame, TestSocket } from "./test-client";

const BTC = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const T0 = 1_700_000_000_000;
const arg = (topic: string) => ({ instType: "usdt-futures", topic, symbol: "BTCUSDT" });

const books15 = (ts: number, bids: [string, string][], asks: [string, string][]) => ({
  action: "snapshot",
  arg: { instType: "USDT-FUTURES", channel: "books15", instId: "BTCUSDT" },
  data: [{ asks, bids, checksum: 0, seq: String(ts - T0 + 1), ts: String(ts) }],
  ts,
});
const trade = (ts: number, price: string, side = "buy") => ({
  action: "update",
  arg: { instType: "USDT-FUTURES", channel: "trade", instId: "BTCUSDT" },
  data: [{ ts: String(ts), price, size: "0.010", side, tradeId: `${ts}` }],
  ts,
});

describe("v3 public WebSocket over loopback", () => {
  let venue: Venue;
  let clock = T0;
  const sockets: TestSocket[] = [];
  const subscribed = async (topics: string[]) => {
    const s = await TestSocket.open(venue.urls.wsPublicV3);
    sockets.push(s);
    await s.subscribe(topics.map(arg));
    return s;
  };
  const of = (topic: string) => (f: Frame) =>
    (f.json?.arg as { topic?: string } | undefined)?.topic === topic && !!f.json?.data;

  beforeAll(async () => {
    venue = await startVenue({ manual: { instruments: [BTC] }, log: () => {} });
    venue.inject([
      books15(
        clock,
        [
          ["1000.0", "2.000"],
          ["999.9", "1.000"],
        ],
        [
          ["1000.1", "1.000"],
          ["1000.2", "3.000"],
        ],
      ),
      trade(++clock, "1000.1"),
    ]);
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.close());
    venue.faults.apply({ ...NO_FAULTS });
  });
  afterAll(() => venue.close());

  it("acks with connId, refuses an unknown topic with 30001 and answers ping", async () => {
    const s = await subscribed(["books5"]);
    expect(s.frames[0].json).toMatchObject({ event: "subscribe", arg: arg("books5"), connId: expect.any(String) });
    s.send({ op: "subscribe", args: [arg("trade")] });
    expect((await s.waitFor((f) => f.json?.event === "error")).json).toMatchObject({ code: 30001 });
    s.send("ping");
    await s.waitFor((f) => f.text === "pong");
  });

  it("starts publicTrade with a snapshot of recent trades, then sends new ones as v3 items", async () => {
    const s = await subscribed(["publicTrade"]);
    const first = await s.waitFor(of("publicTrade"));
    expect(first.json).toMatchObject({ action: "snapshot", arg: arg("publicTrade") });
    expect((first.json?.data as unknown[])[0]).toEqual({
      i: `${T0 + 1}`,
      L: `${T0 + 1}`,
      p: "1000.1",
      v: "0.010",
      S: "buy",
      T: `${T0 + 1}`,
      isRPI: false,
    });
    const from = s.frames.length;
    venue.inject([trade(++clock, "1000.0", "sell")]);
    const next = await s.waitFor(of("publicTrade"), 5000, from);
    const decoded = decodeV3PublicPush(next.json);
    expect(decoded.ok && decoded.events).toEqual([
      { kind: "trade", symbol: "BTCUSDT", ts: clock, price: 1000, size: 0.01, side: "sell", id: `${clock}` },
    ]);
  });

  it("streams books as a snapshot then deltas whose seq/pseq chain keeps a V3BookSync in step with the venue", async () => {
    const s = await subscribed(["books"]);
    const sync = new V3BookSync("books", "BTCUSDT");
    await s.waitFor(of("books"));
    venue.inject([
      books15(
        ++clock,
        [
          ["1000.0", "1.500"],
          ["999.9", "1.000"],
        ],
        [
          ["1000.1", "1.000"],
          ["1000.2", "3.000"],
        ],
      ),
      books15(
        ++clock,
        [["1000.0", "1.500"]],
        [
          ["1000.2", "2.000"],
          ["1000.3", "1.000"],
        ],
      ),
    ]);
    await s.waitFor(() => s.frames.filter(of("books")).length >= 3);
    const pushes = s.frames.filter(of("books")).map((f) => f.json!);
    expect(pushes.map((p) => p.action)).toEqual(["snapshot", "update", "update"]);
    let last: ReturnType<V3BookSync["apply"]> | null = null;
    for (const p of pushes) last = sync.apply(p);
    expect(last).toMatchObject({
      kind: "accept",
      event: {
        kind: "bookLevels",
        bids: [[1000, 1.5]],
        asks: [
          [1000.2, 2],
          [1000.3, 1],
        ],
      },
    });
    const seqs = pushes.map((p) => (p.data as { seq: string; pseq: string }[])[0]);
    expect(seqs[1].pseq).toBe(seqs[0].seq);
    expect(seqs[2].pseq).toBe(seqs[1].seq);
    expect(BigInt(seqs[0].seq)).toBeGreaterThan(2n ** 53n);
  });

  it("shows a push lost to the gap fault as a pseq break, which the book sync answers with a resync", async () => {
    const s = await subscribed(["books"]);
    const sync = new V3BookSync("books", "BTCUSDT");
    sync.apply((await s.waitFor(of("books"))).json!);
    venue.faults.apply({ gap: 1 });
    venue.inject([books15(++clock, [["1000.0", "1.000"]], [["1000.2", "2.000"]])]);
    venue.faults.apply({ gap: 0 });
    const from = s.frames.length;
    venue.inject([books15(++clock, [["1000.0", "0.500"]], [["1000.2", "2.000"]])]);
    const update = await s.waitFor(of("books"), 5000, from);
    expect(sync.apply(update.json!)).toEqual({ kind: "resync", reason: "gap" });
  });

  it("sends books1/books5/books50 as snapshots and ticker with v3 names", async () => {
    const s = await subscribed(["books5", "books50", "ticker"]);
    const b5 = await s.waitFor(of("books5"));
    expect(b5.json).toMatchObject({ action: "snapshot" });
    expect((b5.json?.data as { a: unknown; b: unknown }[])[0]).toMatchObject({
      a: expect.any(Array),
      b: expect.any(Array),
    });
    await s.waitFor(of("books50"));
    const t = await s.waitFor(of("ticker"));
    expect((t.json?.data as Record<string, unknown>[])[0]).toMatchObject({
      lastPrice: expect.any(String),
      bid1Price: "1000",
    });
  });
});
