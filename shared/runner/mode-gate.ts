/**
 * The live-trading gate of a SymbolAgent. Paper is the default; live needs `mode: "live"` in the
 * config AND the Bitget API secrets AND the `MODE = "live"` var of the deployment (two keys held in
 * different places: the API can change the config, only a deploy changes MODE); a live config
 * without all of them never trades: the agent refuses to start and says why. Demo (Bitget's demo
 * environment, no money at risk) needs the secrets (a demo key) but not MODE.
 * @module
 */

/** Secrets live mode needs (`wrangler secret put …`). */
export const LIVE_SECRETS = ["BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"] as const;

/**
 * Why the agent must not start in `mode`, or null when it may. Paper always may. Live or demo
 * without every secret is refused naming the missing ones; demo with all three may, live also needs
 * MODE = "live" (live-wiring.ts wires both to the exchange, whose account checks come next).
 */
export function modeRefusal(mode: "paper" | "demo" | "live", env: object): string | null {
  if (mode === "paper") return null;
  const vars = env as Record<string, unknown>;
  const missing = LIVE_SECRETS.filter((name) => typeof vars[name] !== "string" || vars[name] === "");
  if (missing.length > 0)
    return `${mode} mode refused: missing secret${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (set them with wrangler secret put${mode === "demo" ? ", a Bitget demo key" : ""}, or use mode "paper")`;
  if (mode === "demo") return null;
  // The second key: the deployment itself must say live, so a config change alone never goes live.
  if (vars.MODE !== "live")
    return `live mode refused: the Worker's MODE var is ${JSON.stringify(vars.MODE ?? null)}, not "live" (live needs MODE = "live" in wrangler.toml [vars] as well as mode "live" in the config)`;
  return null;
}
