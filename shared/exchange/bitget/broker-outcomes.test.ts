import { describe, expect, it } from "vitest";
import { cancelRefusal, placeRejectReason, portStatus, refusalReason } from "./broker-outcomes";
import { BitgetError, classifyBitgetFailure } from "./rest-errors";

function bitgetError(status: number, code: string, msg: string): BitgetError {
  return new BitgetError({
    kind: classifyBitgetFailure(status, code),
    method: "POST",
    endpoint: "/api/v2/mix/order/place-order",
    status,
    code,
    exchangeMessage: msg,
  });
}

const plain = { postOnly: false, reduceOnly: false };

describe("placeRejectReason", () => {
  it("maps Bitget's documented codes to the port's reasons", () => {
    expect(placeRejectReason(bitgetError(400, "43118", "clientOrderId duplicate"), plain)).toBe("duplicate_client_oid");
    expect(placeRejectReason(bitgetError(400, "40762", "The order amount exceeds the balance"), plain)).toBe(
      "insufficient_margin",
    );
    expect(placeRejectReason(bitgetError(400, "43012", "Insufficient balance"), plain)).toBe("insufficient_margin");
    expect(placeRejectReason(bitgetError(429, "429", "Too Many Requests"), plain)).toBe("rate_limited");
    expect(
      placeRejectReason(bitgetError(400, "40757", "Not enough position is available."), {
        postOnly: false,
        reduceOnly: true,
      }),
    ).toBe("reduce_only_no_position");
    expect(placeRejectReason(bitgetError(400, "45110", "less than the minimum order quantity 5 USDT"), plain)).toBe(
      "size_below_minimum",
    );
    expect(placeRejectReason(bitgetError(400, "40020", "Parameter error"), plain)).toBe("exchange_error");
  });

  it("reads a post-only refusal from the message only for post-only orders", () => {
    const e = bitgetError(400, "40020", "Parameter error: post_only order would cross the book and take liquidity");
    expect(placeRejectReason(e, { postOnly: true, reduceOnly: false })).toBe("post_only_would_cross");
    expect(placeRejectReason(e, plain)).toBe("exchange_error");
  });
});

describe("refusalReason", () => {
  it("keeps minimum breaches apart from other rule breaches", () => {
    expect(refusalReason("notional_below_minimum")).toBe("size_below_minimum");
    expect(refusalReason("size_below_minimum")).toBe("size_below_minimum");
    expect(refusalReason("size_not_on_step")).toBe("exchange_error");
    expect(refusalReason("price_not_on_tick")).toBe("exchange_error");
  });
});

describe("cancelRefusal", () => {
  it("tells an order already done (22001) from one never seen (40768)", () => {
    expect(cancelRefusal(bitgetError(400, "22001", "No order to cancel"))).toBe("already_done");
    expect(cancelRefusal(bitgetError(400, "40768", "Order does not exist"))).toBe("unknown_order");
    expect(cancelRefusal(bitgetError(500, "40015", "System is abnormal"))).toBe("exchange_error");
  });
});

describe("portStatus", () => {
  const facts = { filledSize: 0, force: "gtc", cancelReason: null, cancelledByClient: false };
  it("maps live and partially filled to open, filled to filled, anything unknown to pending", () => {
    expect(portStatus({ ...facts, state: "live" })).toEqual({ status: "open" });
    expect(portStatus({ ...facts, state: "partially_filled", filledSize: 1 })).toEqual({ status: "open" });
    expect(portStatus({ ...facts, state: "filled", filledSize: 1 })).toEqual({ status: "filled" });
    expect(portStatus({ ...facts, state: "init" })).toEqual({ status: "pending" });
  });

  it("tells a client cancel, an exchange-cancelled post-only and a reduce-only cancel apart", () => {
    expect(portStatus({ ...facts, state: "canceled", cancelledByClient: true })).toEqual({
      status: "cancelled",
      reason: "cancelled_by_client",
    });
    expect(portStatus({ ...facts, state: "canceled", force: "post_only" })).toEqual({
      status: "rejected",
      reason: "post_only_would_cross",
    });
    expect(portStatus({ ...facts, state: "canceled", force: "post_only", cancelReason: "normal_cancel" })).toEqual({
      status: "cancelled",
    });
    expect(portStatus({ ...facts, state: "cancelled", force: "post_only", filledSize: 0.5 })).toEqual({
      status: "cancelled",
    });
    expect(portStatus({ ...facts, state: "canceled", cancelReason: "reduce_only_cancel" })).toEqual({
      status: "cancelled",
      reason: "reduce_only_no_position",
    });
  });
});
