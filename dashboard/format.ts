/**
 * How numbers and times read on the dashboard. Pure (no DOM); every function answers "—" for a
 * missing or non-finite value so a null from the API never prints as "NaN" or "null".
 * @module
 */

/** What a missing value shows as. */
export const MISSING = "—";

function finite(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** A fixed-decimals number with thousands separators, e.g. `1,234.50`. */
export function num(v: number | null | undefined, decimals = 2): string {
  if (!finite(v)) return MISSING;
  return v.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Money in USDT with an explicit sign, e.g. `+12.30` / `−4.10`. */
export function signedMoney(v: number | null | undefined, decimals = 2): string {
  if (!finite(v)) return MISSING;
  const body = num(Math.abs(v), decimals);
  if (Number(body.replace(/,/g, "")) === 0) return num(0, decimals);
  return `${v > 0 ? "+" : "−"}${body}`;
}

/** A fraction as a percentage, e.g. 0.0123 → `1.23 %`. */
export function pct(fraction: number | null | undefined, decimals = 2): string {
  if (!finite(fraction)) return MISSING;
  return `${num(fraction * 100, decimals)} %`;
}

/**
 * A price with enough significant digits for its size: 41 988.3 → `41,988.30`, 0.08991 → `0.089910`.
 * At least 2 decimals, at most 8, about 5 significant digits.
 */
export function price(v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  const magnitude = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
  const decimals = Math.min(8, Math.max(2, 4 - magnitude));
  return num(v, decimals);
}

/** A duration in seconds as `42 s`, `3 m 05 s` or `1 h 02 m`. */
export function duration(seconds: number | null | undefined): string {
  if (!finite(seconds)) return MISSING;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} m`;
}

/** Epoch ms as UTC `YYYY-MM-DD HH:MM:SS`. */
export function utcTime(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** Epoch ms as UTC `HH:MM:SS` (for recent events). */
export function utcClock(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  return new Date(ms).toISOString().slice(11, 19);
}

/** An age in ms as `120 ms`, `4.2 s` or `3 m`. */
export function age(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} m`;
}

/** `positive` / `negative` / `zero` for colouring a signed value. */
export function tone(v: number | null | undefined): "positive" | "negative" | "zero" {
  if (!finite(v) || v === 0) return "zero";
  return v > 0 ? "positive" : "negative";
}

/** The exchange account a live or demo agent trades on, as the status gives it. */
export interface AccountLine {
  readonly accountMode: string;
  readonly trading: string;
  readonly holdMode: string;
  readonly marginMode: string;
  readonly leverage: number | null;
}

/** One line for a symbol card, e.g. `live · UTA account · one-way · crossed · 50×`. */
export function accountText(a: AccountLine): string {
  const mode = a.accountMode === "uta" ? "UTA" : a.accountMode === "classic" ? "Classic" : a.accountMode;
  const hold = a.holdMode === "one_way_mode" ? "one-way" : a.holdMode === "hedge_mode" ? "hedge" : a.holdMode;
  const leverage = a.leverage === null ? `leverage ${MISSING}` : `${a.leverage}×`;
  return `${a.trading} · ${mode} account · ${hold} · ${a.marginMode} · ${leverage}`;
}
