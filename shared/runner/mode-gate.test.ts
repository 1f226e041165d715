import { describe, expect, it } from "vitest";
import { modeRefusal } from "./mode-gate";

const KEYS = { BITGET_API_KEY: "k", BITGET_API_SECRET: "s", BITGET_PASSPHRASE: "p" };

describe("the live-mode gate", () => {
  it("always lets paper trade", () => {
    expect(modeRefusal("paper", {})).toBeNull();
  });

  it("lets live trade only with all three secrets and MODE = live", () => {
    const live = { ...KEYS, MODE: "live" };
    expect(modeRefusal("live", live)).toBeNull();
    expect(modeRefusal("live", { ...live, MODE: "paper" })).toContain(`MODE var is "paper", not "live"`);
    expect(modeRefusal("live", { ...live, MODE: undefined })).toContain("MODE var is null");
    expect(modeRefusal("live", { ...live, BITGET_PASSPHRASE: "" })).toContain("missing secret BITGET_PASSPHRASE");
    expect(modeRefusal("live", {})).toContain(
      "live mode refused: missing secrets BITGET_API_KEY, BITGET_API_SECRET, BITGET_PASSPHRASE",
    );
  });

  it("lets demo trade with the three secrets whatever MODE says, and refuses it without them", () => {
    expect(modeRefusal("demo", { ...KEYS, MODE: "paper" })).toBeNull();
    expect(modeRefusal("demo", { ...KEYS, BITGET_API_KEY: "" })).toContain(
      "demo mode refused: missing secret BITGET_API_KEY",
    );
  });
});
