/**
 * The contract of a broker's exchange-side stops ({@link StopPort}): the live Bitget broker of each
 * account system against the local venue over loopback (docs/exchange-stops.md). Assertions read
 * only what the port shows.
 * @module
 */
import { describe, expect, it } from "vitest";
import { roundToStep } from "../../market/instrument";
import type { StopPort } from "../exchange-stops";
import type { BrokerHarness } from "./broker-contract";

/** A broker harness whose broker also has stops. */
export interface StopHarness extends BrokerHarness {
  readonly stops: StopPort;
}

/** Runs the stop contract against fresh harnesses from `make`. */
export function testStopContract(name: string, make: () => Promise<StopHarness>): void {
  describe(`${name} exchange-side stops`, () => {
    async function opened(h: StopHarness, preset: boolean) {
      const ins = h.instrument;
      const tick = ins.tickSize;
      const mid = roundToStep(h.referencePrice ?? 10_000 * tick, tick);
      const size = roundToStep(Math.max(ins.minSize, (ins.minNotional / mid) * 1.2), ins.sizeStep, "up");
      const ts = h.startTs ?? 1_700_000_000_000;
      const symbol = ins.symbol;
      await h.feed([
        { kind: "bookLevels", symbol, ts, bids: [[mid - tick, size * 5]], asks: [[mid + tick, size * 5]], seq: "1" },
        { kind: "trade", symbol, ts: ts + 1, price: mid, size, side: "buy", id: "t1" },
      ]);
      await h.settle?.();
      const stopLossPrice = preset ? roundToStep(mid - 20 * tick, tick) : undefined;
      const placed = await h.broker.place({
        clientOid: `stopc${Date.now().toString(36)}`,
        symbol,
        side: "buy",
        type: "market",
        size,
        reduceOnly: false,
        ts: ts + 2,
        ...(stopLossPrice ? { stopLossPrice } : {}),
      });
      expect(placed.ok).toBe(true);
      await h.settle?.();
      return { symbol, tick, mid, size, stopLossPrice, ts };
    }

    it("lists the entry's preset stop as the long position's stop, at its trigger", async () => {
      const h = await make();
      try {
        const p = await opened(h, true);
        const list = await h.stops.stops(p.symbol);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ symbol: p.symbol, side: "long" });
        expect(list[0].triggerPrice).toBeCloseTo(p.stopLossPrice as number, 9);
        expect(typeof list[0].id).toBe("string");
      } finally {
        await h.close?.();
      }
    });

    it("places a stop off the tick at the nearest tick, replacing the position's stop; cancels it by id, then knows it no more", async () => {
      const h = await make();
      try {
        const p = await opened(h, true);
        const wanted = p.mid - 10.4 * p.tick;
        const r = await h.stops.placeStop({
          symbol: p.symbol,
          side: "long",
          triggerPrice: wanted,
          clientOid: "stopc-a1",
        });
        if (!r.ok) throw new Error(`placeStop refused: ${r.reason} ${r.detail}`);
        const list = await h.stops.stops(p.symbol);
        expect(list.map((s) => s.id)).toEqual([r.id]);
        expect(list[0].triggerPrice).toBeCloseTo(roundToStep(wanted, p.tick), 9);
        expect(await h.stops.cancelStop(p.symbol, r.id)).toEqual({ ok: true });
        expect(await h.stops.stops(p.symbol)).toEqual([]);
        expect(await h.stops.cancelStop(p.symbol, r.id)).toMatchObject({ ok: false, reason: "unknown_stop" });
      } finally {
        await h.close?.();
      }
    });

    it("refuses a stop for a side it does not hold (no_position) and one already reached (trigger_wrong_side)", async () => {
      const h = await make();
      try {
        const p = await opened(h, false);
        expect(await h.stops.stops(p.symbol)).toEqual([]);
        const short = await h.stops.placeStop({
          symbol: p.symbol,
          side: "short",
          triggerPrice: p.mid + 20 * p.tick,
          clientOid: "stopc-b1",
        });
        expect(short).toMatchObject({ ok: false, reason: "no_position" });
        const reached = await h.stops.placeStop({
          symbol: p.symbol,
          side: "long",
          triggerPrice: p.mid + 20 * p.tick,
          clientOid: "stopc-b2",
        });
        expect(reached).toMatchObject({ ok: false, reason: "trigger_wrong_side" });
        expect(await h.stops.stops(p.symbol)).toEqual([]);
      } finally {
        await h.close?.();
      }
    });

    it("drops the stop with the position when it closes", async () => {
      const h = await make();
      try {
        const p = await opened(h, true);
        const closed = await h.broker.place({
          clientOid: "stopc-close",
          symbol: p.symbol,
          side: "sell",
          type: "market",
          size: p.size,
          reduceOnly: true,
          ts: p.ts + 3,
        });
        expect(closed.ok).toBe(true);
        await h.settle?.();
        expect(await h.stops.stops(p.symbol)).toEqual([]);
      } finally {
        await h.close?.();
      }
    });
  });
}
