/**
 * Opens a Bitget account for live or demo trading: probes the key's account system
 * (account-mode.ts) and returns the matching {@link BitgetAccount} — Classic V2 or UTA v3 — or the
 * typed refusal. This is the one entry point the runner needs:
 *
 * ```ts
 * const opened = await openBitgetAccount({ endpoints: bitgetEndpoints("live"), credentials, now, random });
 * if (!opened.ok) return refuse(describeAccountModeRefusal(opened.refusal));
 * const account = opened.account; // account.broker({...}), account.privateFeed({...}), account.summary(symbol)
 * ```
 * @module
 */
import { type AccountModeRefusal, detectAccountMode } from "./account-mode";
import type { BitgetAccount, BitgetEndpoints } from "./bitget-account";
import { ClassicAccount } from "./classic-account";
import { BitgetRestClient } from "./rest-client";
import type { BitgetCredentials, TransportOptions } from "./rest-transport";
import type { PositionMode } from "./rest-types";
import { UtaAccount } from "./uta/uta-account";
import { UtaRestClient } from "./uta/uta-rest-client";

/** Options of {@link openBitgetAccount}. */
export interface OpenAccountOptions extends Omit<TransportOptions, "baseUrl" | "credentials" | "demo" | "classify"> {
  readonly endpoints: BitgetEndpoints;
  readonly credentials: BitgetCredentials;
  /** Classic accounts only: the position mode orders are encoded for (V2 has no settings read); default one-way. */
  readonly classicPositionMode?: PositionMode;
}

/** The opened account, or why it could not be opened. */
export type OpenAccountResult =
  | { readonly ok: true; readonly account: BitgetAccount }
  | { readonly ok: false; readonly refusal: AccountModeRefusal };

/**
 * Probes the key (one signed GET of `/api/v3/account/settings`, retried by the transport on
 * transient failures) and builds the account of its system. `demo` endpoints add `paptrading: 1`
 * to every request and use the demo WebSocket hosts.
 */
export async function openBitgetAccount(o: OpenAccountOptions): Promise<OpenAccountResult> {
  const { endpoints, credentials, classicPositionMode, ...transport } = o;
  const common = { ...transport, baseUrl: endpoints.restUrl, credentials, demo: endpoints.trading === "demo" };
  const uta = new UtaRestClient(common);
  const probe = await detectAccountMode(uta);
  if (!probe.ok) return probe;
  if (probe.mode === "classic") {
    const rest = new BitgetRestClient({ ...common, positionMode: classicPositionMode });
    return { ok: true, account: new ClassicAccount(rest, endpoints, credentials) };
  }
  const rest = new UtaRestClient({ ...common, holdMode: probe.settings.holdMode ?? "one_way_mode" });
  return { ok: true, account: new UtaAccount(rest, endpoints, credentials, probe.settings) };
}
