/**
 * The API token's strength rules, shared by the demo, `npm run dev` and the deploy check: at least
 * {@link MIN_TOKEN_LENGTH} characters and never the example's placeholder. `.dev.vars` gets a
 * random token when it has none; a weak one is refused, never silently replaced (it may be in use).
 * @module
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";

/** Shortest accepted token. */
export const MIN_TOKEN_LENGTH = 32;

const ROOT = resolve(import.meta.dirname, "..");
const TOKEN_LINE = /^API_TOKEN\s*=\s*"?([^"\n]*)"?\s*$/m;

/** A new random token: 32 bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The API_TOKEN of a `.dev.vars`-style text, undefined when it has none. */
export function tokenOf(text: string): string | undefined {
  return TOKEN_LINE.exec(text)?.[1];
}

/** The placeholder token of `.dev.vars.example`, if that file names one. */
export function exampleToken(path = resolve(ROOT, ".dev.vars.example")): string | undefined {
  return existsSync(path) ? tokenOf(readFileSync(path, "utf8")) : undefined;
}

/** Why `token` must not guard the API (too short, or the example's placeholder); null when it is fine. */
export function tokenProblem(token: string, example = exampleToken()): string | null {
  if (example !== undefined && token === example)
    return "API_TOKEN is the placeholder from .dev.vars.example; anyone who read the repository knows it";
  if (token.length < MIN_TOKEN_LENGTH)
    return `API_TOKEN has ${token.length} characters; at least ${MIN_TOKEN_LENGTH} are required`;
  return null;
}

/** The outcome of {@link ensureDevVars}: the token to use, or why there is none. */
export type DevVarsToken =
  | { readonly ok: true; readonly token: string; readonly created: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads API_TOKEN from `.dev.vars`; writes a new random one (mode 0600) when the file or the line is
 * missing. A weak token is refused with the fix, and the file is left as it is.
 */
export function ensureDevVars(path = resolve(ROOT, ".dev.vars"), example = exampleToken()): DevVarsToken {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const found = tokenOf(text);
  if (found !== undefined) {
    const problem = tokenProblem(found, example);
    if (problem === null) return { ok: true, token: found, created: false };
    return {
      ok: false,
      reason: `${path}: ${problem}. Delete its API_TOKEN line to get a random one, or set one of ${MIN_TOKEN_LENGTH}+ characters (e.g. \`openssl rand -base64 32\`).`,
    };
  }
  const token = newToken();
  writeFileSync(path, `${text}${text && !text.endsWith("\n") ? "\n" : ""}API_TOKEN="${token}"\n`);
  chmodSync(path, 0o600); // a secret: also when the file existed before (writeFileSync's mode applies only on creation)
  return { ok: true, token, created: true };
}
