/**
 * `npm run sim`: the local Bitget V2 venue (cli/venue/server.ts) as a process.
 *
 * ```
 * npm run sim -- [--port 0] (--recording FILE_OR_DIR... | --synthetic BTCUSDT,ETHUSDT [--seed 1])
 *                [--speed 1] [--api-key K --api-secret S --passphrase P] [--account-mode classic|uta]
 *                [--faults SPEC] [--balance 10000]
 * ```
 * `--account-mode` sets the key's account system: `classic` (default) speaks V2 and gets 40084 on v3
 * private endpoints; `uta` speaks v3 (`/api/v3/...`, `/v3/ws/private`) and gets 40085 on V2 private ones.
 * When listening it prints ONE JSON line on stdout,
 * `{"ready":true,"wsPublic":"ws://…","wsPrivate":"ws://…","wsPublicV3":"ws://…","wsPrivateV3":"ws://…","rest":"http://…","admin":"http://…/admin"}`,
 * and nothing else there; notes go to stderr. Without credentials flags the demo key
 * `venue-key` / `venue-secret` / `venue-pass` is accepted. SIGINT/SIGTERM stop it (exit 0);
 * bad flags or unreadable recordings exit 2 before the ready line.
 * @module
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "./args";
import { parseFaultSpec } from "./venue/faults";
import { DEFAULT_CREDENTIALS, startVenue, type VenueOptions } from "./venue/server";
import { ACCOUNT_MODES, type AccountMode } from "./venue/venue-keys";

const SPEC = {
  port: { type: "number", min: 0, integer: true },
  recording: { type: "list" },
  synthetic: { type: "string" },
  seed: { type: "number", integer: true },
  speed: { type: "number", min: 0 },
  "api-key": { type: "string" },
  "api-secret": { type: "string" },
  passphrase: { type: "string" },
  "account-mode": { type: "string" },
  faults: { type: "string" },
  balance: { type: "number", min: 0 },
  help: { type: "boolean" },
} as const;

const USAGE = `usage: npm run sim -- [--port 0] (--recording FILE_OR_DIR... | --synthetic SYMBOLS [--seed N]) [--speed X]
                      [--api-key K --api-secret S --passphrase P] [--account-mode classic|uta]
                      [--faults SPEC] [--balance USDT]
  --speed     1 = real time (default), 10 = ten times faster, 0 = as fast as possible
  --faults    e.g. drop=0.01,stall=5000,stall-rate=0.001,malformed=0.001,gap=0.001,rest-timeout=0.05,rest-5xx=0.02,rest-429=0.02,seed=7
  --account-mode  classic (default): the key speaks Classic V2; uta: the key speaks UTA v3
  credentials default to the demo key venue-key / venue-secret / venue-pass`;

/** Builds the venue options from argv, or an error message. */
export async function simOptions(
  argv: readonly string[],
): Promise<{ ok: true; options: VenueOptions } | { ok: false; error: string; help?: boolean }> {
  const parsed = parseArgs(argv, SPEC);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const f = parsed.flags;
  if (f.help) return { ok: false, error: USAGE, help: true };
  if ((f.recording === undefined) === (f.synthetic === undefined))
    return { ok: false, error: "give exactly one of --recording and --synthetic" };
  if (f.seed !== undefined && f.synthetic === undefined) return { ok: false, error: "--seed goes with --synthetic" };
  const creds = [f["api-key"], f["api-secret"], f.passphrase];
  if (creds.some((c) => c !== undefined) && creds.some((c) => c === undefined))
    return { ok: false, error: "give all of --api-key, --api-secret and --passphrase, or none" };
  const mode = f["account-mode"] ?? "classic";
  if (!ACCOUNT_MODES.includes(mode as AccountMode))
    return { ok: false, error: `--account-mode must be classic or uta, got ${mode}` };
  const faults = parseFaultSpec(f.faults ?? "");
  if (!faults.ok) return { ok: false, error: `--faults: ${faults.error}` };
  const base: VenueOptions = {
    port: f.port ?? 0,
    speed: f.speed ?? 1,
    faults: faults.patch,
    startingBalance: f.balance,
    accountMode: mode as AccountMode,
    credentials:
      f["api-key"] !== undefined
        ? { apiKey: f["api-key"], apiSecret: f["api-secret"]!, passphrase: f.passphrase! }
        : DEFAULT_CREDENTIALS,
  };
  if (f.synthetic !== undefined) {
    const symbols = f.synthetic
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (symbols.length === 0) return { ok: false, error: "--synthetic needs symbols, e.g. BTCUSDT,ETHUSDT" };
    return { ok: true, options: { ...base, synthetic: { symbols, seed: f.seed ?? 1 } } };
  }
  return { ok: true, options: { ...base, recordings: await expandRecordings(f.recording!) } };
}

/** Files as given; a directory stands for its `*.jsonl` / `*.jsonl.gz` files, sorted. */
async function expandRecordings(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => null);
    if (!s?.isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p)).filter((n) => /\.jsonl(\.gz)?$/.test(n)).sort();
    out.push(...names.map((n) => join(p, n)));
  }
  return out;
}

async function main(): Promise<void> {
  const built = await simOptions(process.argv.slice(2));
  if (!built.ok) {
    process.stderr.write(`${built.error}\n${built.help ? "" : `${USAGE}\n`}`);
    process.exit(built.help ? 0 : 2);
  }
  let venue;
  try {
    venue = await startVenue(built.options);
  } catch (e) {
    process.stderr.write(`sim: ${(e as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify({ ready: true, ...venue.urls })}\n`);
  const stop = () => void venue.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && /sim\.[cm]?[jt]s$/.test(process.argv[1])) void main();
