/**
 * `npm run demo`: the whole stack offline in one command. Starts the local Bitget venue with a
 * generated market (BTCUSDT and four correlated alts), makes `.dev.vars` with a random API_TOKEN
 * if it is missing, applies the local D1 migrations, starts `wrangler dev` on 127.0.0.1:8787 with
 * the agents pointed at the venue in paper mode, starts the symbols and prints the URL and token.
 * Ctrl-C stops everything it started.
 *
 * `npm start` (`--feed bitget`): the same stack against Bitget's real public feed, paper mode.
 */
import { ensureDevVars } from "./api-token";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "./args";
import { startVenue, type Venue } from "./venue/server";
import { wranglerDevArgs } from "./stack";

const ROOT = resolve(import.meta.dirname, "..");
const FLAGS = {
  feed: { type: "string" },
  symbols: { type: "string" },
  port: { type: "number", min: 1, integer: true },
  seed: { type: "number", integer: true },
  speed: { type: "number", min: 0 },
  "demo-config": { type: "boolean" },
  help: { type: "boolean" },
} as const;
const USAGE =
  "usage: npm run demo -- [--symbols BTCUSDT,ETHUSDT,...] [--port 8787] [--seed 1] [--speed 1]   |   npm start (live Bitget public feed, paper mode)";
/** The symbols the demo trades (its venue generates them with seed 1 unless `--seed`). */
export const DEMO_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT", "DOGEUSDT"];
const BITGET_PUBLIC = "wss://ws.bitget.com/v2/ws/public";

/**
 * The demo's gates: the plan's score bar and confluence (80, 4 agreeing, with the default `setups`
 * readings), with the volume and expected-move gates looser, because the synthetic market's volume
 * and volatility are invented and the plan's multiples (1.5×, 5× fees) would mostly wait on them.
 * Measured over 5 minutes of the demo's market (`.scratch/demo.ts` in the readings work, seeds 1–3):
 * the first entry at 40–56 s; cli/demo.test.ts checks seed 1 enters within 2 minutes. The demo
 * shows the machinery, never evidence of edge.
 */
export const DEMO_CONFIG = {
  gates: { minScore: 80, minAgreeing: 4, minVolumeRatio: 1, minExpectedMoveFeeMultiple: 2 },
};

/**
 * The notification channels whose secrets `.dev.vars` sets, switched on (a config patch): with
 * WEBHOOK_URL and WEBHOOK_SECRET there, the demo's halt, trades and errors reach that webhook signed.
 * `vars` are the `.dev.vars` lines as name → value.
 */
export function demoNotifications(vars: Readonly<Record<string, string>>): {
  notifications: Record<string, { enabled: true }>;
} {
  const has = (...names: string[]) => names.every((n) => (vars[n] ?? "") !== "");
  const on: Record<string, { enabled: true }> = {};
  if (has("WEBHOOK_URL", "WEBHOOK_SECRET")) on.webhook = { enabled: true };
  if (has("TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID")) on.telegram = { enabled: true };
  if (has("DISCORD_WEBHOOK_URL")) on.discord = { enabled: true };
  return { notifications: on };
}

/** `NAME=value` lines of a `.dev.vars` text (quotes removed; comments and blank lines skipped). */
export function parseDevVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?([^"\n]*)"?\s*$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const offlineEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CI: "true",
};

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: offlineEnv, stdio: ["ignore", "inherit", "inherit"] });
    child.on("exit", (code) => res(code ?? 1));
  });
}

/** True when nothing listens on 127.0.0.1:port (so our /health check cannot be answered by someone else). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer ${url}/health within ${timeoutMs / 1000} s`);
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The CLI; resolves when the stack has been stopped. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) {
    console.error(`demo: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const f = parsed.flags;
  if (f.help) {
    console.log(USAGE);
    return 0;
  }
  const live = f.feed === "bitget";
  if (f.feed !== undefined && f.feed !== "bitget" && f.feed !== "venue") {
    console.error(`demo: --feed must be "venue" or "bitget", got ${JSON.stringify(f.feed)}`);
    return 2;
  }
  const symbols = (f.symbols ?? DEMO_SYMBOLS.join(",")).split(",").map((s) => s.trim().toUpperCase());
  const bad = symbols.find((s) => !/^[A-Z0-9]{2,20}USDT$/.test(s));
  if (bad) {
    console.error(`demo: --symbols has ${JSON.stringify(bad)}, which is not a USDT perpetual like BTCUSDT`);
    return 2;
  }
  const port = f.port ?? 8787;
  const url = `http://127.0.0.1:${port}`;
  let venue: Venue | null = null;
  let dev: ChildProcess | null = null;
  const stopAll = async () => {
    if (dev && dev.exitCode === null && dev.pid) {
      try {
        process.kill(-dev.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    await venue?.close();
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(0)));
  process.once("SIGTERM", () => void stopAll().then(() => process.exit(0)));
  if (!(await portIsFree(port))) {
    console.error(`demo: 127.0.0.1:${port} is already in use; stop what runs there or pass --port`);
    return 1;
  }
  try {
    if (!live)
      venue = await startVenue({ synthetic: { symbols, seed: f.seed ?? 1 }, speed: f.speed ?? 1, log: () => {} });
    const feedUrl = venue ? venue.urls.wsPublic : BITGET_PUBLIC;
    const devVars = ensureDevVars();
    if (!devVars.ok) {
      console.error(`demo: refused: ${devVars.reason}`);
      return 1;
    }
    const token = devVars.token;
    if ((await run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"])) !== 0)
      throw new Error("applying the local D1 migrations failed");
    // detached: its own process group, so Ctrl-C can stop wrangler, workerd and esbuild together (cloudflare-stack.md §11.10).
    dev = spawn(
      "npx",
      [
        "wrangler",
        ...wranglerDevArgs(port),
        "--var",
        `FEED_URL:${feedUrl}`,
        "--var",
        "MODE:paper",
        // The agents' contracts check asks the venue (it lists the symbols it plays); Bitget's own with --feed bitget.
        ...(venue ? ["--var", `REST_URL:${venue.urls.rest}`] : []),
      ],
      { cwd: ROOT, env: offlineEnv, stdio: ["ignore", "inherit", "inherit"], detached: true },
    );
    await waitForHealth(url, dev);
    if (!live || f["demo-config"]) await api(url, token, "PATCH", "/api/config", DEMO_CONFIG);
    const devVarsPath = resolve(ROOT, ".dev.vars");
    const channels = demoNotifications(parseDevVars(existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : ""));
    if (Object.keys(channels.notifications).length > 0) {
      await api(url, token, "PATCH", "/api/config", channels);
      console.log(`notifications on (secrets in .dev.vars): ${Object.keys(channels.notifications).join(", ")}`);
    }
    for (const s of symbols) await api(url, token, "POST", `/api/symbols/${s}/start`);
    console.log(
      `\nedge-scalper is running (paper mode, ${live ? "Bitget's live public feed" : `local venue ${venue?.urls.rest}`})`,
    );
    console.log(`  dashboard and API: ${url}`);
    console.log(`  API token:         ${token}   (also in .dev.vars)`);
    console.log(`  try: curl -H "Authorization: Bearer ${token}" ${url}/api/portfolio`);
    console.log("Ctrl-C stops everything.\n");
    await new Promise<void>((res) => dev?.on("exit", () => res()));
    await stopAll();
    return 0;
  } catch (e) {
    console.error(`demo: ${(e as Error).message}`);
    await stopAll();
    return 1;
  }
}

if (process.argv[1]?.endsWith("demo.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
