/**
 * Where the API token lives in the browser: in `localStorage` only. A `?token=` in the address
 * is taken once, stored, and removed from the address bar (and history) at once; the page never
 * builds a URL with the token in it.
 * @module
 */

/** The localStorage key of the token. */
export const TOKEN_KEY = "edge-scalper.apiToken";

/** The storage the token is kept in (`localStorage`, or a stand-in in tests). */
export type TokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** What {@link takeTokenFromUrl} found: the token (null when none) and the address without it. */
export interface UrlToken {
  readonly token: string | null;
  /** Path, query without `token`, and hash: what the address bar should show. */
  readonly cleanUrl: string;
}

/** Splits a `token` query parameter off an address; an empty token counts as none (but is still removed). */
export function takeTokenFromUrl(href: string): UrlToken {
  const url = new URL(href);
  const raw = url.searchParams.get("token");
  url.searchParams.delete("token");
  const token = raw === null || raw.trim() === "" ? null : raw.trim();
  return { token, cleanUrl: `${url.pathname}${url.search}${url.hash}` };
}

/** The stored token, or null. */
export function readToken(storage: TokenStorage): string | null {
  const t = storage.getItem(TOKEN_KEY);
  return t === null || t === "" ? null : t;
}

/** Stores the token. */
export function storeToken(storage: TokenStorage, token: string): void {
  storage.setItem(TOKEN_KEY, token);
}

/** Forgets the token (sign-out, or the API refused it). */
export function clearToken(storage: TokenStorage): void {
  storage.removeItem(TOKEN_KEY);
}
