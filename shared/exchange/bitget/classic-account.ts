/**
 * The {@link BitgetAccount} port over a Classic (V2) key: {@link BitgetRestClient} and the V2
 * private feed (bitget-v2.md). Fee rates are the contract's (the V2 client reads no per-account
 * rate); the hold mode is the one the client encodes orders for.
 * @module
 */
import type { Instrument } from "../../market/instrument";
import {
  type AccountEquity,
  type AccountFees,
  type AccountPosition,
  type AccountSummary,
  type BitgetAccount,
  type BitgetEndpoints,
  noSuchSymbol,
} from "./bitget-account";
import { CLASSIC_REJECT_CODES } from "./broker-outcomes";
import { DialectAccount } from "./dialect-account";
import type { BitgetRestClient } from "./rest-client";
import type { BitgetCredentials } from "./rest-transport";
import type { MarginMode, PositionMode } from "./rest-types";

/** A Classic account. */
export class ClassicAccount extends DialectAccount<BitgetRestClient> implements BitgetAccount {
  readonly accountMode = "classic" as const;

  constructor(rest: BitgetRestClient, endpoints: BitgetEndpoints, credentials: BitgetCredentials) {
    super(rest, endpoints, credentials, {
      brokerRest: rest,
      rejectCodes: CLASSIC_REJECT_CODES,
      privateWsUrl: endpoints.classicPrivateWsUrl,
    });
  }

  async instrument(symbol: string): Promise<Instrument | null> {
    const contracts = await this.rest.getContracts(symbol).catch(noSuchSymbol);
    return contracts.find((c) => c.symbol === symbol) ?? null;
  }

  /** Read from `account/account` (the exchange's settings, whether or not a position is open). */
  async summary(symbol: string): Promise<AccountSummary> {
    const s = await this.rest.getSymbolAccount(symbol);
    const marginMode = s.marginMode ?? "crossed";
    return {
      accountMode: "classic",
      trading: this.trading,
      holdMode: s.posMode ?? this.rest.positionMode,
      marginMode,
      leverage: marginMode === "isolated" ? s.isolatedLongLever : s.crossedMarginLeverage,
    };
  }

  async positions(symbol?: string): Promise<AccountPosition[]> {
    const list = symbol === undefined ? await this.rest.getPositions() : await this.rest.getPosition(symbol);
    return list
      .filter((p) => p.size > 0)
      .map((p) => ({
        symbol: p.symbol,
        side: p.holdSide,
        size: p.size,
        avgPrice: p.openPriceAvg,
        leverage: p.leverage,
        marginMode: p.marginMode,
        unrealisedPnl: p.unrealizedPL,
      }));
  }

  async equity(): Promise<AccountEquity> {
    const usdt = (await this.rest.getAccounts()).find((a) => a.marginCoin === this.rest.marginCoin);
    if (!usdt) return { equity: 0, available: 0, unrealisedPnl: null };
    return { equity: usdt.accountEquity, available: usdt.available, unrealisedPnl: usdt.unrealizedPL };
  }

  async fees(symbol: string): Promise<AccountFees> {
    const contracts = await this.rest.getContracts(symbol);
    const c = contracts.find((x) => x.symbol === symbol);
    if (!c) throw new RangeError(`the exchange has no contract ${symbol}`);
    return { maker: c.makerFeeRate, taker: c.takerFeeRate };
  }

  async setLeverage(symbol: string, leverage: number): Promise<void> {
    await this.rest.setLeverage(symbol, leverage);
  }

  async setMarginMode(symbol: string, marginMode: MarginMode): Promise<void> {
    await this.rest.setMarginMode(symbol, marginMode);
  }

  async setHoldMode(mode: PositionMode): Promise<void> {
    await this.rest.setPositionMode(mode);
  }
}
