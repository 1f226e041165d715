/**
 * Which Bitget account system an API key belongs to (bitget-uta-v3.md §1.1), decided by one signed
 * probe of `GET /api/v3/account/settings`, never guessed:
 * - `00000` with `accountMode` `unified`/`hybrid` → UTA (v3);
 * - `40084` ("Classic Account mode") or `25245` ("not the unified account mode") → Classic (V2);
 * - anything else — a bad key (`40006`), signature (`40009`), passphrase (`40012`), timestamp, IP,
 *   permission, rate limit, timeout, 5xx, an unreadable answer, or an account that is `upgrading`/
 *   `switching` — is a {@link AccountModeRefusal} carrying the exchange's code and message. Live (and
 *   demo) trading must not start on it.
 * The transport already retried the GET on timeouts, 5xx and 429 before a refusal is returned.
 * @module
 */
import { type BitgetErrorKind, isBitgetError } from "./rest-errors";
import { CLASSIC_ACCOUNT_CODES } from "./uta/uta-errors";
import type { AccountMode, UtaSettings } from "./uta/uta-types";

/** Why the account mode could not be decided; shown to the operator as is (no secret in it). */
export interface AccountModeRefusal {
  /** The client's error kind, or `transition` for an account being upgraded or switched. */
  readonly kind: BitgetErrorKind | "transition";
  /** Bitget's code (`"40006"`, …), `"00000"` for a transition, null when no answer arrived. */
  readonly code: string | null;
  /** HTTP status, null when no answer arrived. */
  readonly status: number | null;
  /** Bitget's message (redacted) or the client's description. */
  readonly message: string;
}

/** Outcome of the probe. */
export type AccountModeProbe =
  | { readonly ok: true; readonly mode: "uta"; readonly settings: UtaSettings }
  | { readonly ok: true; readonly mode: "classic" }
  | { readonly ok: false; readonly refusal: AccountModeRefusal };

/** The probe's only need: the signed v3 settings call (a `UtaRestClient` is one). */
export interface SettingsProbePort {
  getSettings(): Promise<UtaSettings>;
}

/** `accountMode` values of a usable unified account. */
const UTA_MODES: ReadonlySet<string> = new Set(["unified", "hybrid"]);

/** Probes the key's account system (see the module doc). Throws only on bugs, never on an exchange answer. */
export async function detectAccountMode(port: SettingsProbePort): Promise<AccountModeProbe> {
  let settings: UtaSettings;
  try {
    settings = await port.getSettings();
  } catch (e) {
    if (!isBitgetError(e)) throw e;
    if (e.code !== null && CLASSIC_ACCOUNT_CODES.has(e.code)) return { ok: true, mode: "classic" };
    return {
      ok: false,
      refusal: { kind: e.kind, code: e.code, status: e.status, message: e.exchangeMessage },
    };
  }
  const mode = settings.accountMode.toLowerCase();
  if (UTA_MODES.has(mode)) return { ok: true, mode: "uta", settings };
  return {
    ok: false,
    refusal: {
      kind: "transition",
      code: "00000",
      status: 200,
      message: `the unified account is "${settings.accountMode}"; trade again once Bitget has finished`,
    },
  };
}

/** One line for logs, `/api/symbols` and the dashboard: why live trading did not start. */
export function describeAccountModeRefusal(r: AccountModeRefusal, trading: "live" | "demo" = "live"): string {
  const code =
    r.code === null ? (r.kind === "timeout" ? "no answer (timeout)" : `no answer (${r.kind})`) : `code ${r.code}`;
  return `${trading} trading refused: Bitget account mode unknown, ${code}: ${r.message}`;
}

export type { AccountMode };
