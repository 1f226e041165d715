/**
 * The local stack in-process: applies the D1 migrations to a persistence directory, starts
 * `wrangler dev` on 127.0.0.1 with the agents pointed at a feed, waits for `/health`, and optionally
 * PATCHes the bot config. Used by `npm run demo`, the parity test and `npm run bench` (e2e).
 *
 * Isolation: every stack has its own `--persist-to` directory (D1, Durable Object SQLite), so two
 * stacks never share `.wrangler/state` (two `wrangler dev` on one state deadlock on SQLITE_BUSY).
 * Process hygiene (cloudflare-stack.md §11.10): `wrangler dev` starts npm/node, workerd and esbuild
 * children, so it runs detached in its own process group and {@link Stack.stop} signals the whole
 * group; a process `exit` hook kills the group too if the caller dies without stopping it.
 * Offline (cloudflare-stack.md §2): metrics, cf.json and error-report prompts are switched off.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const ROOT = resolve(import.meta.dirname, "..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");
/** Lines of wrangler's output kept for error messages when it is not shown. */
const TAIL_LINES = 40;

/** Environment with the offline switches of cloudflare-stack.md §2. */
export const OFFLINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CI: "true",
};

/** Options of {@link startStack}. */
export interface StackOptions {
  /** Port on 127.0.0.1; 0 picks a free one. A port in use is refused (never talk to someone else's server). */
  readonly port: number;
  /** Public market-data WebSocket URL handed to the agents (`FEED_URL`). */
  readonly feedUrl: string;
  /** Directory for D1 and Durable Object storage (created if missing); one per running stack. */
  readonly persistTo: string;
  /** A bot config patch applied with `PATCH /api/config` once the stack answers. */
  readonly config?: unknown;
  /** Bearer token of `/api/*` (passed as `--var API_TOKEN:…`); default: a random one. */
  readonly token?: string;
  /** More `--var NAME:value` bindings (e.g. START_EQUITY); MODE is paper unless `live` is given. */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Live mode against the LOCAL venue only: MODE = live, the venue's REST and private WebSocket URLs
   * and its key as the Bitget secrets (passed as `--var`, so never a real key: URLs off 127.0.0.1 are
   * refused). The bot config must still say `mode: "live"` (the other half of the live gate).
   */
  readonly live?: LocalLive;
  /** Show wrangler's output (`inherit`) or keep only its tail for errors (`quiet`, default). */
  readonly output?: "inherit" | "quiet";
  /** Also append wrangler dev's output (the agents' logs) to this file: the soak's evidence for diagnosis. */
  readonly logFile?: string;
  /** Apply the D1 migrations first (default true); false for a restart over a state already migrated (saves a wrangler run). */
  readonly migrate?: boolean;
  /** How long to wait for `/health`, ms; default 90 000. */
  readonly healthTimeoutMs?: number;
  /** `wrangler dev --test-scheduled`: `GET /__scheduled?cron=…` runs the cron handler (the bench triggers the watchdog). */
  readonly testScheduled?: boolean;
}

/** Where a live stack trades: the local venue (cli/venue/). */
export interface LocalLive {
  readonly restUrl: string;
  readonly privateFeedUrl: string;
  /** The venue's UTA (v3) private WebSocket, for a UTA key (`PRIVATE_FEED_URL_V3`). */
  readonly privateFeedUrlV3?: string;
  readonly credentials: { readonly apiKey: string; readonly apiSecret: string; readonly passphrase: string };
}

/** A running stack. */
export interface Stack {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Bearer token of `/api/*`. */
  readonly token: string;
  /** Resolves when `wrangler dev` exits (by itself or after {@link Stack.stop}). */
  readonly exited: Promise<number | null>;
  /** Calls the API with the token; throws on a non-2xx answer with its body. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Stops wrangler dev and its children (SIGTERM to the group, SIGKILL after 5 s); idempotent. */
  stop(): Promise<void>;
}

/** Starts the stack; on any failure everything it started is stopped before the error is thrown. */
export async function startStack(o: StackOptions): Promise<Stack> {
  const live = o.live ? liveVars(o.live) : { MODE: "paper" };
  const port = o.port === 0 ? await freePort() : o.port;
  if (o.port !== 0 && !(await portIsFree(port))) throw new Error(`127.0.0.1:${port} is already in use`);
  mkdirSync(o.persistTo, { recursive: true });
  const tail: string[] = [];
  const migrated =
    o.migrate === false
      ? 0
      : await run(
          ["d1", "migrations", "apply", "DB", "--local", "--persist-to", o.persistTo],
          o.output ?? "quiet",
          tail,
        );
  if (migrated !== 0)
    throw new Error(`applying the local D1 migrations failed (exit ${migrated}):\n${tail.join("\n")}`);
  const token = o.token ?? randomBytes(24).toString("base64url");
  const rest = localVenueRest(o.feedUrl);
  // The agents' contracts check (paper too) asks the venue that streams their feed, never Bitget from an offline stack.
  const vars = { ...o.vars, FEED_URL: o.feedUrl, ...(rest ? { REST_URL: rest } : {}), ...live, API_TOKEN: token };
  const args = [...wranglerDevArgs(port), "--persist-to", o.persistTo];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  if (o.testScheduled) args.push("--test-scheduled");
  const child = spawn(WRANGLER, args, {
    cwd: ROOT,
    env: OFFLINE_ENV,
    stdio: ["ignore", o.output === "inherit" ? "inherit" : "pipe", o.output === "inherit" ? "inherit" : "pipe"],
    detached: true,
  });
  keepTail(child, tail);
  if (o.logFile !== undefined && o.output !== "inherit") {
    const file = createWriteStream(o.logFile, { flags: "a" });
    child.stdout?.pipe(file, { end: false });
    child.stderr?.pipe(file, { end: false });
    child.once("exit", () => file.end());
  }
  const group = new ProcessGroup(child);
  const url = `http://127.0.0.1:${port}`;
  const api = <T>(method: string, path: string, body?: unknown) => callApi<T>(url, token, method, path, body);
  try {
    await waitForHealth(url, child, o.healthTimeoutMs ?? 90_000, tail);
    if (o.config !== undefined) await api("PATCH", "/api/config", o.config);
  } catch (e) {
    await group.stop();
    throw e;
  }
  return { url, token, exited: group.exited, api, stop: () => group.stop() };
}

/** The local venue's REST origin when `feedUrl` is its public WebSocket (same port), else null. */
export function localVenueRest(feedUrl: string): string | null {
  const m = /^ws:\/\/127\.0\.0\.1:(\d+)\//.exec(feedUrl);
  return m ? `http://127.0.0.1:${m[1]}` : null;
}

/** The bindings of a live stack; throws for an endpoint that is not the local venue. */
function liveVars(l: LocalLive): Record<string, string> {
  for (const url of [l.restUrl, l.privateFeedUrl, l.privateFeedUrlV3 ?? l.restUrl])
    if (!/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(url))
      throw new Error(`a live stack trades on the local venue only (127.0.0.1), not ${url}`);
  return {
    MODE: "live",
    REST_URL: l.restUrl,
    PRIVATE_FEED_URL: l.privateFeedUrl,
    ...(l.privateFeedUrlV3 ? { PRIVATE_FEED_URL_V3: l.privateFeedUrlV3 } : {}),
    BITGET_API_KEY: l.credentials.apiKey,
    BITGET_API_SECRET: l.credentials.apiSecret,
    BITGET_PASSPHRASE: l.credentials.passphrase,
  };
}

/** A detached child and its process group, killed on stop and (as a last resort) when this process exits. */
export class ProcessGroup {
  readonly exited: Promise<number | null>;
  private stopping: Promise<void> | null = null;
  private readonly onExit = () => this.signal("SIGKILL");

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((res) => child.once("exit", (code) => res(code)));
    process.once("exit", this.onExit);
    void this.exited.then(() => process.off("exit", this.onExit));
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.signal("SIGTERM");
      const done = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
      // workerd may outlive its parent: the group is killed either way.
      this.signal("SIGKILL");
      if (!done) await Promise.race([this.exited, sleep(2_000)]);
      process.off("exit", this.onExit);
    })();
    return this.stopping;
  }

  private signal(sig: NodeJS.Signals): void {
    if (!this.child.pid) return;
    try {
      process.kill(-this.child.pid, sig);
    } catch {
      /* the group is gone */
    }
  }
}

function keepTail(child: ChildProcess, tail: string[]): void {
  const add = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") tail.push(line);
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
}

function run(args: string[], output: "inherit" | "quiet", tail: string[]): Promise<number> {
  return new Promise((res) => {
    const child = spawn(WRANGLER, args, {
      cwd: ROOT,
      env: OFFLINE_ENV,
      stdio: ["ignore", output === "inherit" ? "inherit" : "pipe", output === "inherit" ? "inherit" : "pipe"],
    });
    keepTail(child, tail);
    child.on("error", () => res(1));
    child.on("exit", (code) => res(code ?? 1));
  });
}

async function callApi<T>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  tail: readonly string[],
): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`wrangler dev exited (${child.exitCode ?? child.signalCode}):\n${tail.join("\n")}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer ${url}/health within ${timeoutMs / 1000} s:\n${tail.join("\n")}`);
}

/** True when nothing listens on 127.0.0.1:port. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once("error", () => res(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => res(true)));
  });
}

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** `wrangler dev` on loopback at `port`, inspector on any free port, no interactive session (the stacks and the benches). */
export function wranglerDevArgs(port: number): string[] {
  return [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    "0",
    "--show-interactive-dev-session=false",
  ];
}
