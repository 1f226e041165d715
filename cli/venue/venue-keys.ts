/**
 * The API keys a venue accepts, each with its account mode, as on Bitget where a key works with
 * one account system only (bitget-uta-v3.md §1.1): a `classic` key speaks the V2 private API and
 * gets `40084` from every v3 private endpoint; a `uta` (Unified Trading Account) key speaks v3 and
 * gets `40085` from every V2 private endpoint. Public endpoints serve both.
 * @module
 */
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { CoreError } from "./core-errors";

/** The account system an API key belongs to. */
export type AccountMode = "classic" | "uta";

/** Account modes, for flag parsing. */
export const ACCOUNT_MODES: readonly AccountMode[] = ["classic", "uta"];

/** One key the venue accepts. */
export interface VenueKey {
  readonly credentials: BitgetCredentials;
  readonly accountMode: AccountMode;
}

/** A Classic key on a v3 endpoint (the message Bitget sends, §1.1). */
export const CLASSIC_ON_V3: CoreError = {
  http: 400,
  code: "40084",
  msg: "You are in Classic Account mode, and the Unified Account API is not supported at this time",
};

/** A UTA key on a V2 private endpoint (§1.1). */
export const UTA_ON_V2: CoreError = {
  http: 400,
  code: "40085",
  msg: "You are in Unified Account mode, and the Classic Account API is not supported at this time",
};

/** The refusal a key of `mode` gets on an endpoint of `family`, or null when it may use it. */
export function familyRefusal(mode: AccountMode, family: AccountMode): CoreError | null {
  if (mode === family) return null;
  return family === "uta" ? CLASSIC_ON_V3 : UTA_ON_V2;
}

/** The accepted keys, looked up by `apiKey`. */
export class VenueKeys {
  readonly #byKey: ReadonlyMap<string, VenueKey>;

  /** Throws on an empty list, an empty field or a key given twice (a start-up mistake). */
  constructor(keys: readonly VenueKey[]) {
    if (keys.length === 0) throw new Error("the venue needs at least one API key");
    const map = new Map<string, VenueKey>();
    for (const k of keys) {
      const { apiKey, apiSecret, passphrase } = k.credentials;
      if (!apiKey || !apiSecret || !passphrase)
        throw new Error("every venue key needs apiKey, apiSecret and passphrase");
      if (map.has(apiKey)) throw new Error(`API key ${apiKey} is given twice`);
      map.set(apiKey, k);
    }
    this.#byKey = map;
  }

  /** The key registered as `apiKey`, or undefined. */
  get(apiKey: string): VenueKey | undefined {
    return this.#byKey.get(apiKey);
  }

  /** Every key, in the order given. */
  all(): VenueKey[] {
    return [...this.#byKey.values()];
  }
}
