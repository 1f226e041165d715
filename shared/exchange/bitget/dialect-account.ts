/**
 * What a Classic and a UTA account share: the trading mode, the clock sync, and the wiring of a
 * {@link BitgetBroker} and a {@link PrivateFeed} to the key. Each dialect hands in what sets it apart
 * (its broker's REST, its reject codes, its private feed's URL and dialect) and implements the reads
 * and settings in its own file.
 * @module
 */
import type {
  AccountBrokerOptions,
  AccountFeedOptions,
  BitgetAccount,
  BitgetEndpoints,
  TradingMode,
} from "./bitget-account";
import type { StopCodes } from "./stop-plans";
import { BitgetBroker, type BitgetBrokerRest } from "./bitget-broker";
import type { RejectCodes } from "./broker-outcomes";
import { type PrivateDialect, PrivateFeed } from "./private-feed";
import type { BitgetCredentials } from "./rest-transport";

/** The part of a dialect's REST client every account uses. */
export interface AccountRest {
  syncTime(): Promise<number>;
  /** Server time − local time, ms, for the private feed's login. */
  readonly timeOffsetMs: number;
}

/** What sets a dialect's broker and private feed apart. */
export interface AccountDialect {
  /** The REST the broker trades through. */
  readonly brokerRest: BitgetBrokerRest;
  readonly rejectCodes: RejectCodes;
  /** The codes behind stop-plan refusals; default Classic V2's. */
  readonly stopCodes?: StopCodes;
  /** The private WebSocket of this key's dialect (one of `endpoints`' URLs). */
  readonly privateWsUrl: string;
  /** The private feed's wire dialect; default Classic V2. */
  readonly feedDialect?: PrivateDialect;
}

/** The shared half of a {@link BitgetAccount}; the dialect's class adds the reads and settings. */
export abstract class DialectAccount<Rest extends AccountRest>
  implements Pick<BitgetAccount, "trading" | "syncTime" | "broker" | "privateFeed">
{
  readonly trading: TradingMode;

  protected constructor(
    protected readonly rest: Rest,
    endpoints: BitgetEndpoints,
    private readonly credentials: BitgetCredentials,
    private readonly dialect: AccountDialect,
  ) {
    this.trading = endpoints.trading;
  }

  syncTime(): Promise<number> {
    return this.rest.syncTime();
  }

  broker(options: AccountBrokerOptions): BitgetBroker {
    const { brokerRest, rejectCodes, stopCodes } = this.dialect;
    return new BitgetBroker({ ...options, rest: brokerRest, mode: this.trading, rejectCodes, stopCodes });
  }

  privateFeed(options: AccountFeedOptions): PrivateFeed {
    return new PrivateFeed({
      ...options,
      url: this.dialect.privateWsUrl,
      credentials: this.credentials,
      dialect: this.dialect.feedDialect,
      timeOffsetMs: () => this.rest.timeOffsetMs,
    });
  }
}
