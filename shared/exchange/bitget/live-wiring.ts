/**
 * Where live or demo trading goes, read from a deployment's variables: the Bitget secrets and the
 * endpoints of each trading mode (the local venue's when `REST_URL`, `PRIVATE_FEED_URL` or
 * `PRIVATE_FEED_URL_V3` override Bitget's hosts). Plain data in, plain data out: the Durable
 * Objects hand it their bindings.
 * @module
 */
import { type BitgetEndpoints, bitgetEndpoints, type TradingMode } from "./bitget-account";
import type { BitgetCredentials } from "./rest-transport";

/** Where and as whom the agent trades: the secrets, and the endpoints of each trading mode. */
export interface LiveWiring {
  readonly credentials: BitgetCredentials;
  /** Bitget's production (`live`) or demo endpoints, with the `REST_URL` / `PRIVATE_FEED_URL(_V3)` overrides. */
  endpoints(trading: TradingMode): BitgetEndpoints;
}

/**
 * The wiring from a deployment's variables, or null when a secret is missing (then live and demo
 * are refused, shared/runner/mode-gate.ts). `REST_URL`, `PRIVATE_FEED_URL` (Classic V2 private
 * WebSocket) and `PRIVATE_FEED_URL_V3` (UTA v3 private WebSocket) override Bitget's hosts.
 */
export function liveWiring(env: object): LiveWiring | null {
  const v = env as Record<string, unknown>;
  const text = (name: string) => (typeof v[name] === "string" && v[name] !== "" ? (v[name] as string) : undefined);
  const [apiKey, apiSecret, passphrase] = [
    text("BITGET_API_KEY"),
    text("BITGET_API_SECRET"),
    text("BITGET_PASSPHRASE"),
  ];
  if (!apiKey || !apiSecret || !passphrase) return null;
  const overrides = {
    restUrl: text("REST_URL"),
    classicPrivateWsUrl: text("PRIVATE_FEED_URL"),
    utaPrivateWsUrl: text("PRIVATE_FEED_URL_V3"),
  };
  return {
    credentials: { apiKey, apiSecret, passphrase },
    endpoints: (trading) => bitgetEndpoints(trading, overrides),
  };
}
