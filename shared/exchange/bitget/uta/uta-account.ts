/**
 * The {@link BitgetAccount} port over a UTA (v3) key: {@link UtaRestClient} behind the shared
 * {@link BitgetBroker} (through {@link UtaBrokerRest}) and the v3 private feed dialect
 * (bitget-uta-v3.md). Equity is the USDT view of the unified account (`usdtEquity`, the USDT
 * coin's `available`); fee rates are the account's own (`account/fee-rate`).
 * @module
 */
import type { Instrument } from "../../../market/instrument";
import {
  type AccountEquity,
  type AccountFees,
  type AccountPosition,
  type AccountSummary,
  type BitgetAccount,
  type BitgetEndpoints,
  noSuchSymbol,
} from "../bitget-account";
import { DialectAccount } from "../dialect-account";
import type { BitgetCredentials } from "../rest-transport";
import type { MarginMode, PositionMode } from "../rest-types";
import { UtaBrokerRest } from "./uta-broker-rest";
import { UTA_REJECT_CODES } from "./uta-errors";
import { UTA_STOP_CODES } from "../stop-plans";
import { UTA_PRIVATE_DIALECT } from "./uta-private-codec";
import type { UtaRestClient } from "./uta-rest-client";
import type { UtaSettings } from "./uta-types";

/** A unified trading account. */
export class UtaAccount extends DialectAccount<UtaRestClient> implements BitgetAccount {
  readonly accountMode = "uta" as const;

  constructor(
    rest: UtaRestClient,
    endpoints: BitgetEndpoints,
    credentials: BitgetCredentials,
    /** The settings the account-mode probe read. */
    private settings: UtaSettings,
  ) {
    super(rest, endpoints, credentials, {
      brokerRest: new UtaBrokerRest(rest),
      rejectCodes: UTA_REJECT_CODES,
      stopCodes: UTA_STOP_CODES,
      privateWsUrl: endpoints.utaPrivateWsUrl,
      feedDialect: UTA_PRIVATE_DIALECT,
    });
  }

  async instrument(symbol: string): Promise<Instrument | null> {
    const list = await this.rest.getInstruments(symbol).catch(noSuchSymbol);
    return list.find((i) => i.symbol === symbol) ?? null;
  }

  async summary(symbol: string): Promise<AccountSummary> {
    this.settings = await this.rest.getSettings();
    if (this.settings.holdMode !== null) this.rest.adoptHoldMode(this.settings.holdMode);
    const own = this.settings.symbols.find(
      (s) => s.symbol === symbol && /usdt-futures/i.test(s.category || "usdt-futures"),
    );
    return {
      accountMode: "uta",
      trading: this.trading,
      holdMode: this.rest.holdMode,
      marginMode: own?.marginMode ?? "crossed",
      leverage: own?.leverage ?? null,
    };
  }

  async positions(symbol?: string): Promise<AccountPosition[]> {
    const list = await this.rest.getPositions(symbol);
    return list
      .filter((p) => symbol === undefined || p.symbol === symbol)
      .map((p) => ({
        symbol: p.symbol,
        side: p.posSide,
        size: p.size,
        avgPrice: p.avgPrice,
        leverage: p.leverage,
        marginMode: p.marginMode,
        unrealisedPnl: p.unrealisedPnl,
      }));
  }

  async equity(): Promise<AccountEquity> {
    const a = await this.rest.getAssets();
    const usdt = a.coins.find((c) => c.coin === "USDT");
    return {
      equity: a.usdtEquity ?? usdt?.equity ?? a.accountEquity,
      available: usdt?.available ?? 0,
      unrealisedPnl: a.usdtUnrealisedPnl,
    };
  }

  async fees(symbol: string): Promise<AccountFees> {
    const r = await this.rest.getFeeRate(symbol);
    return { maker: r.makerFeeRate, taker: r.takerFeeRate };
  }

  setLeverage(symbol: string, leverage: number): Promise<void> {
    return this.rest.setLeverage(symbol, leverage);
  }

  /** v3 has no margin-mode endpoint (bitget-uta-v3.md §2.9): set-leverage carries it, with the symbol's leverage. */
  async setMarginMode(symbol: string, marginMode: MarginMode): Promise<void> {
    const { leverage } = await this.summary(symbol);
    if (leverage === null)
      throw new RangeError(`the UTA settings give no leverage for ${symbol}: set the leverage first`);
    await this.rest.setLeverage(symbol, leverage, marginMode);
  }

  async setHoldMode(mode: PositionMode): Promise<void> {
    await this.rest.setHoldMode(mode);
  }
}
