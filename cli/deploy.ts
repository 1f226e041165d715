/**
 * `npm run deploy -- [--env staging|production] [--dry-run] [--check] [--notify telegram,discord,webhook]`:
 * checks everything a remote deploy needs before calling wrangler, and says exactly what is missing.
 * `npm run deploy:check` (`--check`) is the same checks and nothing else: no secret stored, no
 * migration applied, nothing bundled or deployed.
 *
 * Checked ({@link deployProblems}, pure): the Worker secrets the mode needs (`API_TOKEN` always, its
 * strength by the shared rule of `./api-token` when its value is handed in; `BITGET_*` when the
 * environment's `MODE` var is `live`; a notification channel's secrets when `--notify` names it), the
 * Durable Object bindings (not inherited by wrangler environments), the D1 binding's real
 * `database_id`, and the migrations. Secrets are listed with `wrangler secret list --env X`; a dry run
 * does not list them (it needs no login) and says so.
 *
 * On success: stores `API_TOKEN` when handed in (`API_TOKEN=… npm run deploy`), applies the D1
 * migrations remotely, then `wrangler deploy --env X`. A dry run bundles with `--dry-run` instead and
 * prints the commands. Any problem: exit 2, every problem named, nothing deployed.
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { exampleToken, newToken, tokenProblem } from "./api-token";
import { parseArgs } from "./args";
import { type CliIo, processIo } from "./io";

/** The remote environments of wrangler.toml. */
export const DEPLOY_ENVS = ["staging", "production"] as const;
/** One remote environment. */
export type DeployEnv = (typeof DEPLOY_ENVS)[number];

/** The notification channels and the secrets each needs (shared/config/notify-schema.ts, workers/env.ts). */
export const CHANNEL_SECRETS = {
  telegram: ["TELEGRAM_BOT_TOKEN", "TELEGRAM_CHAT_ID"],
  discord: ["DISCORD_WEBHOOK_URL"],
  webhook: ["WEBHOOK_URL", "WEBHOOK_SECRET"],
} as const;
/** A notification channel. */
export type Channel = keyof typeof CHANNEL_SECRETS;

/** The keys live trading needs. */
export const LIVE_SECRETS = ["BITGET_API_KEY", "BITGET_API_SECRET", "BITGET_PASSPHRASE"] as const;

/** The Durable Object bindings the Worker uses. */
export const DO_BINDINGS = ["SYMBOL_AGENT", "COORDINATOR", "NOTIFIER"] as const;

/** What the checks look at: the environment's resolved wrangler config, the secrets, the migrations. */
export interface DeployInputs {
  readonly env: DeployEnv;
  /** The environment's `vars` (as wrangler resolves them: not inherited from the top level). */
  readonly vars: Readonly<Record<string, unknown>>;
  readonly d1: readonly { readonly binding: string; readonly database_name?: string; readonly database_id?: string }[];
  readonly durableObjects: readonly { readonly name: string; readonly class_name?: string }[];
  /** Names from `wrangler secret list --env X`; null when not listed (dry run). */
  readonly secretNames: readonly string[] | null;
  /** The API_TOKEN value handed in to be stored (its strength is checked), if any. */
  readonly apiToken: string | undefined;
  /** `.dev.vars.example`'s placeholder token. */
  readonly exampleToken: string | undefined;
  /** The `.sql` files of the migrations directory. */
  readonly migrations: readonly string[];
  /** Channels the bot config enables. */
  readonly notify: readonly Channel[];
}

/** The secrets an environment needs: API_TOKEN, the Bitget keys in live mode, the enabled channels'. */
export function requiredSecrets(mode: unknown, notify: readonly Channel[]): string[] {
  const out = ["API_TOKEN"];
  if (mode === "live") out.push(...LIVE_SECRETS);
  for (const c of notify) out.push(...CHANNEL_SECRETS[c]);
  return out;
}

const PLACEHOLDER_ID = /^[0-]*$/;

/** Every reason not to deploy, each naming the fix; empty when the deploy may go ahead. */
export function deployProblems(i: DeployInputs): string[] {
  const problems: string[] = [];
  const mode = i.vars.MODE;
  if (mode !== "paper" && mode !== "live")
    problems.push(`[env.${i.env}.vars] MODE is ${JSON.stringify(mode)}; it must be "paper" or "live"`);
  for (const name of DO_BINDINGS)
    if (!i.durableObjects.some((b) => b.name === name))
      problems.push(
        `Durable Object binding ${name} is missing from [[env.${i.env}.durable_objects.bindings]] (wrangler does not inherit it from the top level)`,
      );
  const db = i.d1.find((d) => d.binding === "DB");
  if (db === undefined)
    problems.push(`D1 binding DB is missing from [[env.${i.env}.d1_databases]] (wrangler does not inherit it)`);
  else if (db.database_id === undefined || PLACEHOLDER_ID.test(db.database_id))
    problems.push(
      `D1 binding DB of env ${i.env} has no real database_id: run \`npx wrangler d1 create ${db.database_name ?? `edge-scalper-${i.env}`}\` and put the id it prints into [[env.${i.env}.d1_databases]] in wrangler.toml`,
    );
  if (i.migrations.length === 0) problems.push("migrations/ holds no .sql migration; the D1 tables would not exist");
  if (i.apiToken !== undefined) {
    const weak = tokenProblem(i.apiToken, i.exampleToken);
    if (weak !== null) problems.push(`${weak} (the value handed in to be stored)`);
  }
  if (i.secretNames !== null) {
    const have = new Set(i.secretNames);
    if (i.apiToken !== undefined) have.add("API_TOKEN"); // stored by this run before the deploy
    for (const name of requiredSecrets(mode, i.notify))
      if (!have.has(name))
        problems.push(`secret ${name} is not set for env ${i.env}: \`npx wrangler secret put ${name} --env ${i.env}\``);
  }
  return problems;
}

/** The wrangler commands a deploy runs, in order. */
export function deployCommands(env: DeployEnv, dryRun: boolean): string[][] {
  if (dryRun) return [["deploy", "--dry-run", "--env", env, "--outdir", "dist"]];
  return [
    ["d1", "migrations", "apply", "DB", "--remote", "--env", env],
    ["deploy", "--env", env],
  ];
}

const ROOT = resolve(import.meta.dirname, "..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false" };

/** The `.sql` files of a migrations directory, sorted. */
export function listMigrations(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
}

/** `wrangler secret list --env X` as names, or an error with wrangler's output. */
function listSecrets(env: DeployEnv): { ok: true; names: string[] } | { ok: false; reason: string } {
  const r = spawnSync(WRANGLER, ["secret", "list", "--env", env, "--format", "json"], {
    cwd: ROOT,
    env: WRANGLER_ENV,
    encoding: "utf8",
  });
  if (r.status !== 0)
    return { ok: false, reason: `\`wrangler secret list --env ${env}\` failed: ${(r.stderr || r.stdout).trim()}` };
  try {
    const list = JSON.parse(r.stdout) as { name: string }[];
    return { ok: true, names: list.map((s) => s.name) };
  } catch (err) {
    return { ok: false, reason: `\`wrangler secret list --env ${env}\` printed no JSON (${String(err)}): ${r.stdout}` };
  }
}

function runWrangler(args: readonly string[], input?: string): number {
  const r = spawnSync(WRANGLER, args, {
    cwd: ROOT,
    env: WRANGLER_ENV,
    stdio: [input === undefined ? "inherit" : "pipe", "inherit", "inherit"],
    input,
  });
  return r.status ?? 1;
}

/** The parts of wrangler's resolved config the checks read (its own types come from a package not installed). */
export interface ResolvedEnv {
  readonly name?: string;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly d1_databases: readonly (DeployInputs["d1"][number] & { readonly migrations_dir?: string })[];
  readonly durable_objects: { readonly bindings: DeployInputs["durableObjects"] };
}

/** What the CLI does outside itself: wrangler and the API_TOKEN handed in (tests hand in their own). */
export interface DeployPorts {
  /** wrangler.toml as `wrangler deploy --env X` resolves it. */
  readConfig(env: DeployEnv): Promise<ResolvedEnv>;
  /** `wrangler secret list --env X` as names, or why it failed. */
  listSecrets(env: DeployEnv): { ok: true; names: string[] } | { ok: false; reason: string };
  /** Runs `wrangler <args>` (with `input` on stdin); its exit code. */
  wrangler(args: readonly string[], input?: string): number;
  /** The API_TOKEN value to store (the environment's `API_TOKEN`), if any. */
  readonly apiToken: string | undefined;
  readonly io: CliIo;
}

/** Wrangler's own reader, so the environment resolves exactly as `wrangler deploy --env` sees it. */
async function readConfig(env: DeployEnv): Promise<ResolvedEnv> {
  const { unstable_readConfig } = await import("wrangler");
  return unstable_readConfig({ config: resolve(ROOT, "wrangler.toml"), env });
}

const NODE_PORTS: DeployPorts = {
  readConfig,
  listSecrets,
  wrangler: runWrangler,
  apiToken: process.env.API_TOKEN || undefined,
  io: processIo,
};

/**
 * The CLI: 0 deployed (or dry run bundled, or `--check` found nothing wrong), 2 refused (problems
 * named), 1 wrangler failed.
 */
export async function main(argv: readonly string[], ports: DeployPorts = NODE_PORTS): Promise<number> {
  const { io } = ports;
  const parsed = parseArgs(argv, {
    env: { type: "string" },
    "dry-run": { type: "boolean" },
    check: { type: "boolean" },
    notify: { type: "list" },
  });
  if (!parsed.ok) {
    io.err(`refused: ${parsed.error}`);
    return 2;
  }
  const env = parsed.flags.env ?? "staging";
  if (!(DEPLOY_ENVS as readonly string[]).includes(env)) {
    io.err(`refused: --env must be ${DEPLOY_ENVS.join(" or ")}, not ${JSON.stringify(env)}`);
    return 2;
  }
  const channels = (parsed.flags.notify ?? []).flatMap((s) => s.split(",")).filter((s) => s !== "");
  const unknown = channels.filter((c) => !(c in CHANNEL_SECRETS));
  if (unknown.length > 0) {
    io.err(`refused: --notify knows ${Object.keys(CHANNEL_SECRETS).join(", ")}, not ${unknown.join(", ")}`);
    return 2;
  }
  const dryRun = parsed.flags["dry-run"];
  const checkOnly = parsed.flags.check;
  const target = env as DeployEnv;
  const config = await ports.readConfig(target);
  const migrationsDir = resolve(
    ROOT,
    config.d1_databases.find((d) => d.binding === "DB")?.migrations_dir ?? "migrations",
  );
  const migrations = listMigrations(migrationsDir);
  let secretNames: string[] | null = null;
  let listFailure: string | null = null; // reported with the config problems, so one run names them all
  if (!dryRun) {
    const listed = ports.listSecrets(target);
    if (listed.ok) secretNames = listed.names;
    else listFailure = listed.reason;
  }
  const apiToken = ports.apiToken;
  const problems = [
    ...(listFailure === null ? [] : [listFailure]),
    ...deployProblems({
      env: target,
      vars: config.vars,
      d1: config.d1_databases,
      durableObjects: config.durable_objects.bindings,
      secretNames,
      apiToken,
      exampleToken: exampleToken(),
      migrations,
      notify: channels as Channel[],
    }),
  ];
  const what = dryRun ? ", dry run" : checkOnly ? ", check only" : "";
  io.out(`deploy ${config.name} (env ${target}, MODE ${String(config.vars.MODE)})${what}`);
  io.out(`migrations (${migrationsDir}): ${migrations.join(", ") || "none"}`);
  if (secretNames === null)
    io.out(
      `secrets needed (not listed in a dry run): ${requiredSecrets(config.vars.MODE, channels as Channel[]).join(", ")}`,
    );
  if (problems.length > 0) {
    io.err(`refused: nothing deployed. ${problems.length} problem(s):`);
    for (const p of problems) io.err(`  - ${p}`);
    if (apiToken === undefined && secretNames !== null && !secretNames.includes("API_TOKEN"))
      io.err(`a random API_TOKEN to store: ${newToken()}`);
    return 2;
  }
  if (checkOnly) {
    io.out(`check passed: \`npm run deploy -- --env ${target}\` may deploy`);
    return 0;
  }
  const run = (args: readonly string[], input?: string) => {
    io.out(`$ npx wrangler ${args.join(" ")}`);
    return ports.wrangler(args, input);
  };
  if (apiToken !== undefined && !dryRun && run(["secret", "put", "API_TOKEN", "--env", target], apiToken) !== 0)
    return 1;
  for (const args of deployCommands(target, dryRun)) if (run(args) !== 0) return 1;
  if (dryRun)
    io.out(
      `dry run done; a real deploy runs: npx wrangler d1 migrations apply DB --remote --env ${target} && npx wrangler deploy --env ${target}`,
    );
  return 0;
}

if (process.argv[1]?.endsWith("deploy.ts")) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
