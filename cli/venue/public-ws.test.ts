import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVenue, type Venue } from "./server";
import { arg, type Frame, sleep, TestSocket } from "./test-client";

const isPush = (f: Frame, channel: string, instId: string) => {
  const a = f.json?.arg as Record<string, unknown> | undefined;
  return f.json?.action !== undefined && a?.channel === channel && a?.instId === instId;
};

describe("public WebSocket over loopback (synthetic market)", () => {
  let venue: Venue;
  const sockets: TestSocket[] = [];
  const open = async () => {
    const s = await TestSocket.open(venue.urls.wsPublic);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    venue = await startVenue({ synthetic: { symbols: ["BTCUSDT", "ETHUSDT"], seed: 1 }, speed: 10, log: () => {} });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await venue.close();
  });

  it("acks each subscription, starts trades with a snapshot, and sends only the subscribed args", async () => {
    const s = await open();
    await s.subscribe([arg("trade", "BTCUSDT"), arg("books15", "BTCUSDT"), arg("books5", "ETHUSDT")]);
    const first = await s.waitFor((f) => isPush(f, "trade", "BTCUSDT"));
    expect(first.json?.action).toBe("snapshot");
    const i = s.frames.indexOf(first);
    const update = await s.waitFor((f) => isPush(f, "trade", "BTCUSDT"), 5000, i + 1);
    expect(update.json?.action).toBe("update");
    const books15 = await s.waitFor((f) => isPush(f, "books15", "BTCUSDT"));
    expect((books15.json?.data as { asks: unknown[] }[])[0].asks).toHaveLength(15);
    const books5 = await s.waitFor((f) => isPush(f, "books5", "ETHUSDT"));
    const item = (books5.json?.data as { asks: unknown[]; bids: unknown[] }[])[0];
    expect([item.asks.length, item.bids.length]).toEqual([5, 5]);
    const allowed = new Set(["trade|BTCUSDT", "books15|BTCUSDT", "books5|ETHUSDT"]);
    const pushes = s.frames.filter((f) => f.json?.action !== undefined);
    for (const f of pushes) {
      const a = f.json!.arg as { channel: string; instId: string };
      expect(allowed.has(`${a.channel}|${a.instId}`)).toBe(true);
    }
  });

  it("derives books5 from the books15 push of the same seq", async () => {
    const s = await open();
    await s.subscribe([arg("books15", "BTCUSDT"), arg("books5", "BTCUSDT")]);
    const from = s.frames.length;
    const five = await s.waitFor((f) => isPush(f, "books5", "BTCUSDT"), 5000, from);
    const d5 = (five.json!.data as { seq: string; asks: unknown[]; bids: unknown[] }[])[0];
    const fifteen = await s.waitFor(
      (f) => isPush(f, "books15", "BTCUSDT") && (f.json!.data as { seq: string }[])[0].seq === d5.seq,
    );
    const d15 = (fifteen.json!.data as { asks: unknown[]; bids: unknown[] }[])[0];
    expect(d5.asks).toEqual(d15.asks.slice(0, 5));
    expect(d5.bids).toEqual(d15.bids.slice(0, 5));
  });

  it("sends the symbol's ticker on subscribe and as the market moves", async () => {
    const s = await open();
    await s.subscribe([arg("ticker", "ETHUSDT")]);
    const first = await s.waitFor((f) => isPush(f, "ticker", "ETHUSDT"));
    const item = (first.json!.data as Record<string, string>[])[0];
    expect(item).toMatchObject({ instId: "ETHUSDT", symbol: "ETHUSDT" });
    expect(Number(item.askPr)).toBeGreaterThan(Number(item.bidPr));
    expect(Number(item.lastPr)).toBeGreaterThan(0);
    await s.waitFor((f) => isPush(f, "ticker", "ETHUSDT"), 5000, s.frames.indexOf(first) + 1);
  });

  it("answers the text ping with the text pong", async () => {
    const s = await open();
    s.send("ping");
    const pong = await s.waitFor((f) => f.text === "pong");
    expect(pong.json).toBeNull();
  });

  it("answers 30001 for an unknown instId or channel, echoing the arg", async () => {
    const s = await open();
    s.send({ op: "subscribe", args: [arg("trade", "NOPEUSDT"), arg("candle7m", "BTCUSDT")] });
    const e1 = await s.waitFor(
      (f) => f.json?.event === "error" && (f.json.arg as { instId?: string })?.instId === "NOPEUSDT",
    );
    expect(e1.json).toMatchObject({ code: 30001, op: "subscribe" });
    const e2 = await s.waitFor(
      (f) => f.json?.event === "error" && (f.json.arg as { channel?: string })?.channel === "candle7m",
    );
    expect(e2.json?.code).toBe(30001);
  });

  it("answers an error frame for text that is not JSON and for an unknown op", async () => {
    const s = await open();
    s.send("{nope");
    expect((await s.waitFor((f) => f.json?.event === "error")).json?.code).toBe(30002);
    const from = s.frames.length;
    s.send({ op: "dance", args: [] });
    expect((await s.waitFor((f) => f.json?.event === "error", 5000, from)).json?.code).toBe(30003);
  });

  it("sends nothing of an arg after its unsubscribe ack", async () => {
    const s = await open();
    await s.subscribe([arg("books15", "ETHUSDT")]);
    await s.waitFor((f) => isPush(f, "books15", "ETHUSDT"));
    await s.subscribe([arg("books15", "ETHUSDT")], "unsubscribe");
    const ackAt = s.frames.length;
    await sleep(300);
    expect(s.frames.slice(ackAt).filter((f) => isPush(f, "books15", "ETHUSDT"))).toEqual([]);
  });
});

/** The team's dev recording, beside the repository (absent in a user's clone). */
const RECORDING = resolve(
  import.meta.dirname,
  "../../../shared/data/recordings/binance-usdm-hftbacktest_btcusdt_20240718T2357.bitget.jsonl.gz",
);
if (!existsSync(RECORDING)) console.warn(`skipping the replay of a real recording: ${RECORDING} not found`);

describe.skipIf(!existsSync(RECORDING))("replay of a real recording", () => {
  it("sends the recording's pushes verbatim and in file order at high speed", async () => {
    let ended!: () => void;
    const replayEnd = new Promise<void>((resolve) => (ended = resolve));
    const venue = await startVenue({ recordings: [RECORDING], speed: 400, log: () => {}, onReplayEnd: () => ended() });
    const s = await TestSocket.open(venue.urls.wsPublic);
    try {
      const channels = ["trade", "books1", "books15"];
      s.send({ op: "subscribe", args: channels.map((c) => arg(c, "BTCUSDT")) });
      await replayEnd;
      const fileTexts = gunzipSync(readFileSync(RECORDING))
        .toString("utf8")
        .split("\n")
        .slice(1)
        .filter((l) => l !== "")
        .map((l) => l.slice(l.indexOf('"m":') + 4, l.lastIndexOf("}")));
      const last = fileTexts[fileTexts.length - 1];
      await s.waitFor((f) => f.text === last, 10_000);
      const pushes = s.frames.filter((f) => f.json?.action !== undefined);
      const initials = channels.map((c) => pushes.findIndex((f) => isPush(f, c, "BTCUSDT")));
      const live = pushes.slice(Math.max(...initials) + 1).map((f) => f.text);
      const start = fileTexts.indexOf(live[0]);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(live.length).toBeGreaterThan(1000);
      expect(live).toEqual(fileTexts.slice(start));
      expect(venue.clock()).toBe(Math.max(...fileTexts.map((t) => JSON.parse(t).ts as number)));
    } finally {
      s.close();
      await venue.close();
    }
  }, 60_000);
});
