import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CREDENTIALS, startVenue, type Venue } from "../../cli/venue/server";
import { accountTargets, setUpAccount } from "../../shared/exchange/bitget/account-setup";
import type { BitgetAccount } from "../../shared/exchange/bitget/bitget-account";
import type { Instrument } from "../../shared/market/instrument";
import { mustOpen } from "./uta-venue-harness";

const BTC: Instrument = { symbol: "BTCUSDT", tickSize: 0.1, sizeStep: 0.001, minSize: 0.001, minNotional: 5 };
const UTA_KEY = { apiKey: "setup-uta-key", apiSecret: "setup-uta-secret", passphrase: "uta-pass" };
const KEYS = [
  { accountMode: "classic", credentials: DEFAULT_CREDENTIALS },
  { accountMode: "uta", credentials: UTA_KEY },
] as const;

let venue: Venue;
beforeAll(async () => {
  venue = await startVenue({
    manual: { instruments: [BTC] },
    keys: KEYS.map((k) => ({ credentials: k.credentials, accountMode: k.accountMode })),
    log: () => {},
  });
});
afterAll(() => venue.close());

describe.each(KEYS)("account settings on start at the venue, $accountMode key", ({ accountMode, credentials }) => {
  it("sets the leverage the config sizes with, then reads it back from the exchange", async () => {
    const account = await mustOpen(venue, credentials);
    expect(account.accountMode).toBe(accountMode);
    expect((await account.summary("BTCUSDT")).leverage).toBe(20);

    const r = await setUpAccount(account, "BTCUSDT", accountTargets(50));
    expect(r).toMatchObject({ ok: true, changed: ["set leverage 50"] });
    expect(await account.summary("BTCUSDT")).toMatchObject({
      accountMode,
      holdMode: "one_way_mode",
      marginMode: "crossed",
      leverage: 50,
    });
    expect(await setUpAccount(account, "BTCUSDT", accountTargets(50))).toMatchObject({ ok: true, changed: [] });
  });

  it("refuses with the exchange's code when it refuses a setting (hedge mode on this one-way venue)", async () => {
    const account = await mustOpen(venue, credentials);
    const r = await setUpAccount(account, "BTCUSDT", { ...accountTargets(50), holdMode: "hedge_mode" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(
      /^live trading refused: the (Classic|UTA) account's BTCUSDT set position mode hedge_mode failed: code \d+: /,
    );
  });

  it("refuses when the exchange still disagrees after setting, naming what it holds and what was asked", async () => {
    const account = await mustOpen(venue, credentials);
    // An exchange that answers success but keeps its leverage: the read-back must catch it.
    const deaf: BitgetAccount = Object.assign(Object.create(account) as BitgetAccount, {
      setLeverage: async () => {},
    });
    const r = await setUpAccount(deaf, "BTCUSDT", accountTargets(7));
    expect(r).toEqual({
      ok: false,
      reason: `live trading refused: the ${accountMode === "uta" ? "UTA" : "Classic"} account's BTCUSDT settings differ at the exchange after setting them: leverage 50 (wanted 7)`,
    });
  });
});

describe("margin mode on a Classic account", () => {
  it("switches an isolated symbol back to crossed before trading, and verifies it", async () => {
    const account = await mustOpen(venue, DEFAULT_CREDENTIALS);
    await account.setMarginMode("BTCUSDT", "isolated");
    expect((await account.summary("BTCUSDT")).marginMode).toBe("isolated");
    const r = await setUpAccount(account, "BTCUSDT", accountTargets(50));
    expect(r).toMatchObject({ ok: true, changed: ["set margin mode crossed"] });
    expect((await account.summary("BTCUSDT")).marginMode).toBe("crossed");
  });
});
