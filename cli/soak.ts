/**
 * `npm run soak -- --minutes N [--json] [--seed 1] [--symbols BTCUSDT,ETHUSDT] [--restart-every 30]`:
 * the live agent (real SymbolAgents in `wrangler dev`, live mode) against the local venue's synthetic
 * market, with faults throughout (dropped connections, stalls, truncated frames, missing and
 * duplicate pushes, REST timeouts, 5xx and 429, an exchange-side stop firing on an open position)
 * and the stack process restarted every ~30 s of uptime (cli/soak/run.ts, cli/soak/plan.ts).
 *
 * Prints `{"minutes","orders","duplicateOrders","rejectedOrderLoops","unprotectedPositionSamples",
 * "orphanPositionsAtEnd","ledgerMismatches","restarts","faults","entriesPaused"}`, measured from the
 * venue's order log, fills and positions and from D1 (definitions: cli/soak/counters.ts, README "Soak"),
 * and as context the share of the agents' status samples with entries paused by the feed gate; `--json`
 * prints only that line on stdout. Progress and a few examples behind each non-zero count go to
 * stderr. Exit 0 when the run completed (whatever the counts), 1 when it could not run, 2 for bad flags.
 * @module
 */
import { parseArgs } from "./args";
import { runSoak } from "./soak/run";

const FLAGS = {
  minutes: { type: "number", min: 0.1 },
  json: { type: "boolean" },
  seed: { type: "number", integer: true },
  symbols: { type: "string" },
  "restart-every": { type: "number", min: 0 },
  calm: { type: "boolean" },
  dump: { type: "string" },
  help: { type: "boolean" },
} as const;
const USAGE =
  "usage: npm run soak -- --minutes N [--json] [--seed 1] [--symbols BTCUSDT,ETHUSDT,SOLUSDT] [--restart-every 30 (s of uptime; 0 = never)] [--calm (no faults: the baseline)] [--dump DIR (stack log, venue orders and fills, D1 fills)]";

/** The CLI; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, FLAGS);
  if (!parsed.ok) {
    console.error(`soak: ${parsed.error}\n${USAGE}`);
    return 2;
  }
  const f = parsed.flags;
  if (f.help) {
    console.log(USAGE);
    return 0;
  }
  if (f.minutes === undefined) {
    console.error(`soak: --minutes is required\n${USAGE}`);
    return 2;
  }
  const symbols = f.symbols?.split(",").map((s) => s.trim().toUpperCase());
  const bad = symbols?.find((s) => !/^[A-Z0-9]{2,20}USDT$/.test(s));
  if (bad !== undefined) {
    console.error(`soak: --symbols has ${JSON.stringify(bad)}, which is not a USDT perpetual like BTCUSDT`);
    return 2;
  }
  try {
    const { report, examples } = await runSoak({
      minutes: f.minutes,
      symbols,
      seed: f.seed,
      restartEveryMs: f["restart-every"] === undefined ? undefined : f["restart-every"] * 1000,
      calm: f.calm,
      dumpDir: f.dump,
      log: (line) => console.error(line),
    });
    for (const [name, list] of Object.entries(examples)) {
      console.error(`${name}:`);
      for (const e of list) console.error(`  ${e}`);
    }
    console.log(f.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
    return 0;
  } catch (e) {
    console.error(`soak: ${(e as Error).message}`);
    return 1;
  }
}

if (process.argv[1]?.endsWith("soak.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
