import type { Instrument } from "../market/instrument";
import type { Fill } from "./orders";
import { SimulatedBroker } from "./sim-broker";
import { testBrokerContract } from "./testing/broker-contract";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };

testBrokerContract("SimulatedBroker", () => {
  const fills: Fill[] = [];
  const broker = new SimulatedBroker({ onFill: (f) => fills.push(f) });
  return {
    broker,
    fills,
    instrument: BTC,
    feed: async (events) => events.forEach((e) => broker.onEvent(e)),
  };
});

testBrokerContract("SimulatedBroker without latency, on a coarse grid", () => {
  const fills: Fill[] = [];
  const broker = new SimulatedBroker({
    latencyMs: 0,
    fees: { makerPct: 0.01, takerPct: 0.05 },
    onFill: (f) => fills.push(f),
  });
  return {
    broker,
    fills,
    instrument: { symbol: "DOGEUSDT", tickSize: 0.00001, sizeStep: 1, minSize: 10, minNotional: 5 },
    referencePrice: 0.1234,
    feed: async (events) => events.forEach((e) => broker.onEvent(e)),
  };
});
