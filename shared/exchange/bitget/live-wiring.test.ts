import { describe, expect, it } from "vitest";
import { liveWiring } from "./live-wiring";

const KEYS = { BITGET_API_KEY: "k", BITGET_API_SECRET: "s", BITGET_PASSPHRASE: "p" };

describe("liveWiring", () => {
  it("is null while any of the three secrets is missing or empty", () => {
    expect(liveWiring({})).toBeNull();
    expect(liveWiring({ ...KEYS, BITGET_PASSPHRASE: "" })).toBeNull();
    expect(liveWiring({ ...KEYS, BITGET_API_KEY: 7 })).toBeNull();
  });

  it("carries the secrets and Bitget's own hosts when nothing overrides them", () => {
    const w = liveWiring(KEYS);
    expect(w?.credentials).toEqual({ apiKey: "k", apiSecret: "s", passphrase: "p" });
    expect(w?.endpoints("live")).toEqual({
      trading: "live",
      restUrl: "https://api.bitget.com",
      classicPrivateWsUrl: "wss://ws.bitget.com/v2/ws/private",
      utaPrivateWsUrl: "wss://ws.bitget.com/v3/ws/private",
    });
    expect(w?.endpoints("demo").classicPrivateWsUrl).toBe("wss://wspap.bitget.com/v2/ws/private");
  });

  it("points every mode at the overriding hosts (the local venue)", () => {
    const w = liveWiring({
      ...KEYS,
      REST_URL: "http://127.0.0.1:1",
      PRIVATE_FEED_URL: "ws://127.0.0.1:2",
      PRIVATE_FEED_URL_V3: "ws://127.0.0.1:3",
    });
    expect(w?.endpoints("demo")).toEqual({
      trading: "demo",
      restUrl: "http://127.0.0.1:1",
      classicPrivateWsUrl: "ws://127.0.0.1:2",
      utaPrivateWsUrl: "ws://127.0.0.1:3",
    });
  });
});
