/**
 * Position stop-loss plans over Bitget REST, both account systems (docs/exchange-stops.md): the
 * {@link StopPort} of shared/execution/exchange-stops.ts on a {@link StopPlanRest} (V2: the Classic
 * client's `place-tpsl-order` `pos_loss`, `orders-plan-pending` `profit_loss`, `cancel-plan-order`;
 * v3: the UTA client's `place-strategy-order` `tpsl` full, `unfilled-strategy-orders`,
 * `cancel-strategy-order`). Trigger prices go out as strings on the tick; ids stay strings; the
 * exchange's refusals become typed {@link StopRefusal}s, while an unknown outcome (timeout,
 * network, 5xx) throws so the caller looks again.
 * @module
 */
import type {
  ExchangeStop,
  StopCancelResult,
  StopPlaceResult,
  StopPort,
  StopRefusalReason,
  StopRequest,
} from "../../execution/exchange-stops";
import type { PositionSide } from "../../execution/orders";
import type { Instrument } from "../../market/instrument";
import { exact } from "./order-rules";
import { type BitgetError, isBitgetError } from "./rest-errors";
import { list, obj, optStr, str } from "./rest-parse";

/** A position stop to place, as the REST clients send it (trigger on the tick, as a string). */
export interface StopPlanBody {
  readonly symbol: string;
  readonly side: PositionSide;
  readonly triggerPrice: string;
  readonly clientOid: string;
}

/** The REST calls behind {@link BitgetStops}; the Classic and the UTA clients have them. Failures throw {@link BitgetError}. */
export interface StopPlanRest {
  getStopPlans(symbol: string): Promise<ExchangeStop[]>;
  /** @returns the plan's orderId. */
  placeStopPlan(body: StopPlanBody): Promise<string>;
  cancelStopPlan(symbol: string, orderId: string): Promise<void>;
}

/** The exchange codes behind stop refusals the error kind does not tell. */
export interface StopCodes {
  readonly noPosition: ReadonlySet<string>;
  readonly wrongSide: ReadonlySet<string>;
}

/**
 * Classic V2: 40757 not enough position (UNVERIFIED for plans), 43023 insufficient position to set
 * TP/SL (UNVERIFIED), 40917/45122 TP/SL price on the wrong side of the mark (bitget-v2.md §5).
 */
export const CLASSIC_STOP_CODES: StopCodes = {
  noPosition: new Set(["40757", "43023"]),
  wrongSide: new Set(["40917", "45122"]),
};

/** UTA v3: 25227 no position, 25225/25226 insufficient position (bitget-uta-v3.md §2.10); wrong side as V2 (UNVERIFIED). */
export const UTA_STOP_CODES: StopCodes = {
  noPosition: new Set(["25227", "25225", "25226"]),
  wrongSide: new Set(["40917", "45122"]),
};

/** The typed refusal of a Bitget failure, or null when its outcome is unknown (the caller throws). */
export function stopRefusalOf(e: BitgetError, codes: StopCodes): { reason: StopRefusalReason; detail: string } | null {
  if (e.outcomeUnknown) return null;
  const code = e.code ?? "";
  const detail = `${code || e.status || e.kind} ${e.exchangeMessage}`.trim();
  let reason: StopRefusalReason = "exchange_error";
  if (codes.noPosition.has(code)) reason = "no_position";
  else if (codes.wrongSide.has(code)) reason = "trigger_wrong_side";
  else if (e.kind === "notFound") reason = "unknown_stop";
  else if (e.kind === "rateLimit") reason = "rate_limited";
  return { reason, detail };
}

/** A {@link StopPort} over {@link StopPlanRest} for the symbols of `instruments`. */
export class BitgetStops implements StopPort {
  constructor(
    private readonly rest: StopPlanRest,
    private readonly instrument: (symbol: string) => Instrument | undefined,
    private readonly codes: StopCodes,
  ) {}

  stops(symbol: string): Promise<readonly ExchangeStop[]> {
    return this.rest.getStopPlans(symbol);
  }

  async placeStop(req: StopRequest): Promise<StopPlaceResult> {
    const inst = this.instrument(req.symbol);
    if (!inst) return { ok: false, reason: "exchange_error", detail: `no contract rules for ${req.symbol}` };
    if (!(req.triggerPrice > 0) || !Number.isFinite(req.triggerPrice))
      return { ok: false, reason: "exchange_error", detail: `stop trigger ${req.triggerPrice} is not a price` };
    const body = {
      symbol: req.symbol,
      side: req.side,
      triggerPrice: exact(req.triggerPrice, inst.tickSize),
      clientOid: req.clientOid,
    };
    try {
      return { ok: true, id: await this.rest.placeStopPlan(body) };
    } catch (e) {
      return this.refusedOrThrow(e);
    }
  }

  async cancelStop(symbol: string, id: string): Promise<StopCancelResult> {
    try {
      await this.rest.cancelStopPlan(symbol, id);
      return { ok: true };
    } catch (e) {
      return this.refusedOrThrow(e);
    }
  }

  private refusedOrThrow(e: unknown): { ok: false; reason: StopRefusalReason; detail: string } {
    const refusal = isBitgetError(e) ? stopRefusalOf(e, this.codes) : null;
    if (!refusal) throw e;
    return { ok: false, ...refusal };
  }
}

/** The position side of a V2 `holdSide` (one-way mode: `buy` long, `sell` short). */
function sideOf(holdSide: string | null, closeSide: string | null): PositionSide | null {
  const h = holdSide?.toLowerCase();
  if (h === "long" || h === "buy") return "long";
  if (h === "short" || h === "sell") return "short";
  // One-way lists may leave holdSide out: the plan's (closing) side tells it.
  if (closeSide === "sell") return "long";
  if (closeSide === "buy") return "short";
  return null;
}

/** The stop-loss plans in a V2 `orders-plan-pending` (`planType=profit_loss`) answer: `pos_loss` and `loss_plan` items. */
export function parseV2StopPlans(data: unknown, symbol: string): ExchangeStop[] {
  const page = data === null || data === undefined ? {} : obj(data, "plan orders");
  const items =
    page.entrustedList === null || page.entrustedList === undefined ? [] : list(page.entrustedList, "entrustedList");
  const out: ExchangeStop[] = [];
  for (const raw of items) {
    const o = obj(raw, "plan order");
    const planType = optStr(o, "planType");
    if (planType !== "pos_loss" && planType !== "loss_plan") continue;
    if (str(o, "symbol").toUpperCase() !== symbol.toUpperCase()) continue;
    const side = sideOf(optStr(o, "holdSide") ?? optStr(o, "posSide"), optStr(o, "side"));
    const trigger = Number(optStr(o, "triggerPrice") ?? optStr(o, "stopLossTriggerPrice"));
    if (side === null || !(trigger > 0)) continue;
    out.push({ id: str(o, "orderId"), clientOid: optStr(o, "clientOid"), symbol, side, triggerPrice: trigger });
  }
  return out;
}

/** The stop-losses in a v3 `unfilled-strategy-orders` answer (items with a `stopLoss`), of `symbol`. */
export function parseV3StopPlans(data: unknown, symbol: string): ExchangeStop[] {
  const items =
    data === null || data === undefined
      ? []
      : list(Array.isArray(data) ? data : (obj(data, "strategy orders").list ?? []), "strategy orders");
  const out: ExchangeStop[] = [];
  for (const raw of items) {
    const o = obj(raw, "strategy order");
    if (str(o, "symbol").toUpperCase() !== symbol.toUpperCase()) continue;
    const status = optStr(o, "status");
    if (status !== null && status !== "pending" && status !== "submitting") continue;
    const side = sideOf(optStr(o, "posSide"), null);
    const trigger = Number(optStr(o, "stopLoss"));
    if (side === null || !(trigger > 0)) continue;
    out.push({ id: str(o, "orderId"), clientOid: optStr(o, "clientOid"), symbol, side, triggerPrice: trigger });
  }
  return out;
}
