/**
 * An exchange's position stops in memory, for the stop guard's tests: a placed stop replaces the
 * side's previous one (as Bitget's position stop does), a clientOid used before is refused (43118, as
 * the venue's Classic rule); tests script failures and refusals.
 * @module
 */
import type {
  ExchangeStop,
  StopCancelResult,
  StopPlaceResult,
  StopPort,
  StopRequest,
} from "../../execution/exchange-stops";

/** Position stops at a scripted exchange: `failList` (stops) and `placeAnswers` (placeStop) script the next answers. */
export class FakeStops implements StopPort {
  stopsHeld: ExchangeStop[] = [];
  placed: StopRequest[] = [];
  cancelled: string[] = [];
  failList: (Error | null)[] = [];
  placeAnswers: (StopPlaceResult | Error)[] = [];
  private next = 1;
  private readonly used = new Set<string>();

  async stops(symbol: string): Promise<readonly ExchangeStop[]> {
    const f = this.failList.shift();
    if (f) throw f;
    return this.stopsHeld.filter((s) => s.symbol === symbol);
  }

  async placeStop(req: StopRequest): Promise<StopPlaceResult> {
    this.placed.push(req);
    const scripted = this.placeAnswers.shift();
    if (scripted instanceof Error) throw scripted;
    if (scripted) return scripted;
    if (this.used.has(req.clientOid))
      return { ok: false, reason: "exchange_error", detail: "43118 clientOrderId duplicate" };
    this.used.add(req.clientOid);
    const id = `plan-${this.next++}`;
    // A position stop replaces the side's previous one, as at Bitget.
    this.stopsHeld = this.stopsHeld.filter((s) => s.side !== req.side);
    this.stopsHeld.push({
      id,
      clientOid: req.clientOid,
      symbol: req.symbol,
      side: req.side,
      triggerPrice: req.triggerPrice,
    });
    return { ok: true, id };
  }

  async cancelStop(_symbol: string, id: string): Promise<StopCancelResult> {
    this.cancelled.push(id);
    const had = this.stopsHeld.length;
    this.stopsHeld = this.stopsHeld.filter((s) => s.id !== id);
    return had === this.stopsHeld.length ? { ok: false, reason: "unknown_stop", detail: "43001" } : { ok: true };
  }
}
