import { describe, expect, it } from "vitest";
import { type IngressVerdict, MarketIngress } from "./market-ingress";
import { BITGET_V3 } from "./v3-ingress-dialect";

const arg = (topic: string, symbol = "BTCUSDT") => ({ instType: "usdt-futures", topic, symbol });
const trades = (ids: string[]) => ({
  action: "update",
  arg: arg("publicTrade"),
  data: ids.map((i) => ({ i, L: i, p: "100", v: "1", S: "buy", T: String(1_700_000_000_000 + Number(i)) })),
  ts: 1,
});
const book = (
  action: string,
  seq: string,
  pseq: string,
  b: string[][] = [["99", "1"]],
  a: string[][] = [["101", "2"]],
) => ({
  action,
  arg: arg("books"),
  data: [{ a, b, seq, pseq, ts: "1700000000000" }],
  ts: 1,
});
const ids = (v: IngressVerdict) =>
  v.kind === "accepted" ? v.events.map((e) => (e.kind === "trade" ? e.id : e.kind)) : [];

describe("MarketIngress with the v3 dialect", () => {
  it("routes publicTrade pushes by topic and symbol and drops trade ids it saw", () => {
    const ingress = new MarketIngress({ dialect: BITGET_V3 });
    expect(ids(ingress.push(trades(["1", "2"])))).toEqual(["1", "2"]);
    const again = ingress.push(trades(["2", "3"]));
    expect(again).toMatchObject({ kind: "accepted", key: "publicTrade:BTCUSDT", duplicates: 1 });
    expect(ids(again)).toEqual(["3"]);
  });

  it("keeps a books stream whose first update bridges the snapshot, and resyncs on a pseq gap", () => {
    const ingress = new MarketIngress({ dialect: BITGET_V3 });
    expect(ingress.push(book("snapshot", "10", "9"))).toMatchObject({ kind: "accepted", recovered: true });
    expect(
      ingress.push(
        book(
          "update",
          "12",
          "8",
          [
            ["99", "0"],
            ["98", "4"],
          ],
          [],
        ),
      ),
    ).toMatchObject({
      kind: "accepted",
      events: [{ kind: "bookLevels", bids: [[98, 4]], asks: [[101, 2]] }],
    });
    expect(ingress.push(book("update", "14", "13"))).toMatchObject({
      kind: "resync",
      key: "books:BTCUSDT",
      reason: "gap",
    });
    expect(ingress.bookHealthy("BTCUSDT")).toBe(false);
  });

  it("keeps seqs beyond 2^53 exact when parsing text frames", () => {
    const ingress = new MarketIngress({ dialect: BITGET_V3 });
    const snap =
      '{"action":"snapshot","arg":{"instType":"usdt-futures","topic":"books","symbol":"BTCUSDT"},"data":[{"a":[["101","2"]],"b":[["99","1"]],"seq":1300000000000000001,"pseq":1300000000000000000,"ts":"1700000000000"}],"ts":1}';
    const upd = snap
      .replace('"snapshot"', '"update"')
      .replace("0000000001,", "0000000002,")
      .replace("0000000000,", "0000000001,");
    expect(ingress.frame(snap).kind).toBe("accepted");
    expect(ingress.frame(upd).kind).toBe("accepted");
  });

  it("calls a push without topic or symbol malformed and ignores topics it does not handle", () => {
    const ingress = new MarketIngress({ dialect: BITGET_V3 });
    expect(ingress.push({ action: "snapshot", arg: { topic: "books" }, data: [] })).toMatchObject({
      kind: "malformed",
      reason: "push arg lacks topic or symbol",
    });
    expect(ingress.push({ action: "snapshot", arg: arg("ticker"), data: [{}] }).kind).toBe("ignored");
  });
});
