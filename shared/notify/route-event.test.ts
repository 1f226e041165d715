import { describe, expect, it } from "vitest";
import { NotificationsConfig } from "../config/notify-schema";
import { problem, testMessage } from "./notify-event";
import { routeEvent } from "./route-event";

const all = { telegram: true, discord: true, webhook: true };
const err = problem({ kind: "agent_error", symbol: "BTCUSDT", message: "boom", ts: 1, occurrence: "1" });

describe("routeEvent", () => {
  it("sends nothing while every channel is off (the default)", () => {
    expect(routeEvent(err, NotificationsConfig.parse({}), all)).toEqual([]);
  });

  it("sends to enabled channels whose filter names the kind and whose secrets are set", () => {
    const s = NotificationsConfig.parse({
      telegram: { enabled: true, events: ["agent_error"] },
      discord: { enabled: true, events: ["position_closed"] },
      webhook: { enabled: true },
    });
    expect(routeEvent(err, s, all)).toEqual(["telegram", "webhook"]);
    expect(routeEvent(err, s, { ...all, webhook: false })).toEqual(["telegram"]);
  });

  it("sends a test message to every configured channel, enabled or not", () => {
    expect(routeEvent(testMessage(1, "n"), NotificationsConfig.parse({}), { ...all, discord: false })).toEqual([
      "telegram",
      "webhook",
    ]);
  });
});
