import { describe, expect, it } from "vitest";
import type { Instrument } from "../../market/instrument";
import { makeClientOid } from "../../execution/client-oid";
import { validateOrder } from "./order-rules";
import { placeOrderOnce } from "./place-order-once";
import { BitgetRestClient } from "./rest-client";
import type { ValidatedOrder } from "./rest-types";
import {
  errorEnvelope,
  fakeClock,
  fakeFetch,
  hang,
  okEnvelope,
  type RecordedRequest,
  seededRandom,
} from "./testing/fake-rest";
import type { HttpResponseLike } from "./rest-transport";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const CLIENT_OID = makeClientOid("BTCUSDT", 1_700_000_000_000, 1);

const ORDER: ValidatedOrder = (() => {
  const r = validateOrder(BTC, {
    symbol: "BTCUSDT",
    side: "buy",
    orderType: "limit",
    size: 0.001,
    price: 25000,
    clientOid: CLIENT_OID,
    marginMode: "crossed",
    force: "post_only",
  });
  if (!r.ok) throw new Error(r.reason);
  return r.order;
})();

/** What the fake exchange does with the n-th (1-based) place-order request. */
type PlaceBehaviour = "accept" | "recordThenTimeout" | "timeout" | "timeoutLandLater" | "insufficientBalance";

/** A tiny exchange: orders by clientOid, duplicate and not-found errors as Bitget sends them. */
function fakeExchange(behaviours: PlaceBehaviour[], lookupFails = false) {
  const orders = new Map<string, { orderId: string; clientOid: string }>();
  let placements = 0;
  let late: { orderId: string; clientOid: string } | null = null;
  const record = (clientOid: string) => {
    const order = { orderId: String(1000 + orders.size), clientOid };
    orders.set(clientOid, order);
    return order;
  };
  const responder = (req: RecordedRequest, signal: AbortSignal): HttpResponseLike | Promise<HttpResponseLike> => {
    if (req.path.endsWith("/order/detail")) return lookUp(new URLSearchParams(req.query).get("clientOid") ?? "");
    const clientOid = JSON.parse(req.body).clientOid as string;
    const behaviour = behaviours[placements++] ?? "accept";
    if (orders.has(clientOid)) return errorEnvelope(400, "43118", "clientOrderId duplicate");
    if (behaviour === "insufficientBalance") return errorEnvelope(400, "40762", "The order amount exceeds the balance");
    if (behaviour === "timeout") return hang(signal);
    if (behaviour === "timeoutLandLater") {
      late = { orderId: "late-1", clientOid };
      return hang(signal);
    }
    const order = record(clientOid);
    return behaviour === "recordThenTimeout" ? hang(signal) : okEnvelope(order);
  };
  const lookUp = (clientOid: string): HttpResponseLike => {
    if (lookupFails) return errorEnvelope(400, "40006", "Invalid ACCESS_KEY");
    const found = orders.get(clientOid);
    if (late) {
      orders.set(late.clientOid, late);
      late = null;
    }
    if (!found)
      return errorEnvelope(400, "40109", "The data of the order cannot be found, please confirm the order number");
    return okEnvelope({
      symbol: "BTCUSDT",
      orderId: found.orderId,
      clientOid,
      state: "live",
      side: "buy",
      orderType: "limit",
      size: "0.001",
      price: "25000",
      cTime: "1700000000000",
    });
  };
  return { orders, responder };
}

function setup(behaviours: PlaceBehaviour[], lookupFails = false) {
  const exchange = fakeExchange(behaviours, lookupFails);
  const clock = fakeClock();
  const { fetch, requests } = fakeFetch(exchange.responder);
  const client = new BitgetRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(3),
    fetch,
    timeoutMs: 5,
    credentials: { apiKey: "k", apiSecret: "s", passphrase: "p" },
  });
  const placements = () => requests.filter((r) => r.path.endsWith("/place-order"));
  return { client, exchange, placements, requests, sleep: clock.sleep, sleeps: clock.state.sleeps };
}

describe("placeOrderOnce", () => {
  it("finds the order by clientOid when the exchange recorded it but the answer timed out, placing it once", async () => {
    const { client, exchange, placements, sleep, sleeps } = setup(["recordThenTimeout"]);
    const result = await placeOrderOnce(client, ORDER, { sleep, settleMs: 300 });
    expect(result.outcome).toBe("found");
    expect(result.outcome === "found" && result.order.clientOid).toBe(CLIENT_OID);
    expect(exchange.orders.size).toBe(1);
    expect(placements().length).toBe(1);
    expect(sleeps).toEqual([300]);
  });

  it("places again with the same clientOid when the lookup says the order does not exist", async () => {
    const { client, exchange, placements, sleep } = setup(["timeout", "accept"]);
    const result = await placeOrderOnce(client, ORDER, { sleep });
    expect(result.outcome).toBe("placed");
    expect(result.attempts).toBe(2);
    expect(exchange.orders.size).toBe(1);
    expect(placements().map((r) => JSON.parse(r.body).clientOid)).toEqual([CLIENT_OID, CLIENT_OID]);
  });

  it("fetches the order when a retry is refused as a duplicate because the first request landed late", async () => {
    const { client, exchange, placements, sleep } = setup(["timeoutLandLater", "accept"]);
    const result = await placeOrderOnce(client, ORDER, { sleep });
    expect(result.outcome).toBe("found");
    expect(result.outcome === "found" && result.order.orderId).toBe("late-1");
    expect(exchange.orders.size).toBe(1);
    expect(placements().length).toBe(2);
  });

  it("fetches the order when the very first attempt is a duplicate (an intent re-sent after a restart)", async () => {
    const { client, exchange, sleep } = setup(["accept"]);
    await client.placeOrder(ORDER);
    const result = await placeOrderOnce(client, ORDER, { sleep });
    expect(result.outcome).toBe("found");
    expect(exchange.orders.size).toBe(1);
  });

  it("returns a definite rejection without looking up or retrying", async () => {
    const { client, requests, sleep } = setup(["insufficientBalance"]);
    const result = await placeOrderOnce(client, ORDER, { sleep });
    expect(result.outcome).toBe("rejected");
    expect(result.outcome === "rejected" && result.error.kind).toBe("insufficientBalance");
    expect(requests.length).toBe(1);
  });

  it("reports an unknown outcome after the last attempt times out, never exceeding the attempts", async () => {
    const { client, exchange, placements, sleep } = setup(["timeout", "timeout", "timeout", "accept"]);
    const result = await placeOrderOnce(client, ORDER, { sleep, maxAttempts: 3 });
    expect(result).toMatchObject({ outcome: "unknown", clientOid: CLIENT_OID, attempts: 3 });
    expect(placements().length).toBe(3);
    expect(exchange.orders.size).toBe(0);
  });

  it("reports an unknown outcome, without placing again, when the lookup itself fails", async () => {
    const { client, placements, sleep } = setup(["timeout", "accept"], true);
    const result = await placeOrderOnce(client, ORDER, { sleep });
    expect(result.outcome).toBe("unknown");
    expect(result.outcome === "unknown" && (result.error as { kind?: string }).kind).toBe("auth");
    expect(placements().length).toBe(1);
  });
});
