/**
 * The live-trading gate of a SymbolAgent. Paper is the default; live needs `mode: "live"` in the
 * config AND the Bitget API secrets AND the `MODE = "live"` var of the deployment (two keys held in
 * different places: the API can change the config, only a deploy changes MODE); a live config
 * without all of them never trades: the agent refuses to start and says why.
 * @module
 */

/** Secrets live mode needs (`wrangler secret put …`). */
export const LIVE_SECRETS = ["BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"] as const;

/**
 * Why the agent must not start in `mode`, or null when it may. Paper always may. Live without every
 * secret is refused naming the missing ones; live with all three may (agent-live.ts). Demo (Bitget's
 * demo environment, shared/exchange/bitget/open-account.ts) is refused until the agents wire it.
 */
export function modeRefusal(mode: "paper" | "demo" | "live", env: object): string | null {
  if (mode === "paper") return null;
  if (mode === "demo")
    return 'demo mode refused: the symbol agents do not trade on Bitget\'s demo environment yet (use mode "paper")';
  const vars = env as Record<string, unknown>;
  const missing = LIVE_SECRETS.filter((name) => typeof vars[name] !== "string" || vars[name] === "");
  if (missing.length > 0)
    return `live mode refused: missing secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (set them with wrangler secret put, or use mode "paper")`;
  // The second key: the deployment itself must say live, so a config change alone never goes live.
  if (vars.MODE !== "live")
    return `live mode refused: the Worker's MODE var is ${JSON.stringify(vars.MODE ?? null)}, not "live" (live needs MODE = "live" in wrangler.toml [vars] as well as mode "live" in the config)`;
  return null;
}
