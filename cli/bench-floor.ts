/**
 * The floor under `e2eLiveOrderP99Ms` (issue #13): the same push → order trip through `wrangler dev`
 * with none of the project's code. A throwaway Worker whose Durable Object holds an outbound WebSocket
 * to this process and, on each message, POSTs it straight back over HTTP (`fetch`); or first writes a
 * SQLite row (`write`: the journal row before an order, so the output gate holds the POST until the
 * row commits), or writes it in the same turn just after calling `fetch` (`fetch+write`: the gate
 * does not hold a request made before the write), or first asks a second Durable Object over RPC
 * (`rpc`: the Coordinator's approval before an entry, whose answer waits for nothing), or asks one
 * that writes before answering (`rpc+write`: the Coordinator's reservation, then the journal row), or
 * one that writes by a 0 ms timer after answering (`rpc+later`: the reservation written behind the
 * answer, as the Coordinator does since docs/coordinator-write-behind.md).
 * Timed here, from `ws.send` to the POST's arrival (`performance.now()`, one clock), one message at a
 * time, the variants taking turns message by message so that a change of the machine's load in the
 * middle of a run touches them all alike.
 *
 * Run: `node --import tsx cli/bench-floor.ts [--json]` (about two minutes plus wrangler's start).
 * The figures carry the load average (the machine is shared); compare them with
 * `e2eLiveOrderP50Ms`/`P99Ms` measured close in time, and the variants with each other.
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type WebSocket, WebSocketServer } from "ws";
import { freePort, OFFLINE_ENV, ProcessGroup, wranglerDevArgs } from "./stack";

const WRANGLER = resolve(import.meta.dirname, "../node_modules/.bin/wrangler");
/** The trips measured per variant (after {@link WARM}), one at a time. */
const TRIPS = 300;
const WARM = 20;
/** Pause between trips, ms. */
const GAP_MS = 20;

/** The variants: what the Durable Object does between the message and the POST. */
export const FLOOR_MODES = ["fetch", "write", "fetch+write", "fetch+later", "rpc", "rpc+write", "rpc+later"] as const;
export type FloorMode = (typeof FLOOR_MODES)[number];

/** One variant's trips, ms. */
export interface FloorFigure {
  readonly mode: FloorMode;
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly min: number;
  readonly loadAverage: number;
}

const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Peer extends DurableObject {
  async approve(x, write) {
    if (write === "later") setTimeout(() => this.ctx.storage.kv.put("r", x), 0);
    if (write === true) {
      this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS r (id INTEGER PRIMARY KEY, v TEXT)");
      this.ctx.storage.sql.exec("INSERT INTO r (v) VALUES (?)", x);
    }
    return { ok: true, x };
  }
}
export class Agent extends DurableObject {
  async start(wsUrl, postUrl, mode) {
    const resp = await fetch(wsUrl, { headers: { Upgrade: "websocket" } });
    const ws = resp.webSocket;
    ws.accept();
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS j (id INTEGER PRIMARY KEY, v TEXT)");
    ws.addEventListener("message", async (ev) => {
      const body = String(ev.data);
      const write = () => this.ctx.storage.sql.exec("INSERT INTO j (v) VALUES (?)", body);
      if (mode.startsWith("rpc")) await this.env.PEER.getByName(mode).approve(body, mode === "rpc+write" || (mode === "rpc+later" && "later"));
      if (mode === "write" || mode === "rpc+write") write();
      const sent = fetch(postUrl, { method: "POST", body });
      if (mode === "fetch+write") write();
      if (mode === "fetch+later") setTimeout(write, 0);
      await sent;
    });
    this.ws = ws;
    return "started";
  }
}
export default {
  async fetch(req, env) {
    const u = new URL(req.url);
    const stub = env.AGENT.getByName(u.searchParams.get("mode"));
    return new Response(await stub.start(u.searchParams.get("ws"), u.searchParams.get("post"), u.searchParams.get("mode")));
  },
};
`;

const WRANGLER_TOML = `name = "edge-scalper-floor"
main = "worker.js"
compatibility_date = "2026-04-20"
send_metrics = false
[[durable_objects.bindings]]
name = "AGENT"
class_name = "Agent"
[[durable_objects.bindings]]
name = "PEER"
class_name = "Peer"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Agent", "Peer"]
`;

/** Measures every variant in one `wrangler dev`, the variants taking turns. */
export async function benchFloor(): Promise<FloorFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), "edge-scalper-floor-"));
  writeFileSync(join(dir, "worker.js"), WORKER);
  writeFileSync(join(dir, "wrangler.toml"), WRANGLER_TOML);
  const arrivals = new Arrivals();
  const sockets: WebSocket[] = [];
  const http = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      arrivals.arrived(body, performance.now());
      res.end("{}");
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => sockets.push(ws)));
  await listen(http);
  const here = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  const port = await freePort();
  const child = spawn(WRANGLER, wranglerDevArgs(port), { cwd: dir, env: OFFLINE_ENV, stdio: "ignore", detached: true });
  const group = new ProcessGroup(child);
  try {
    const start = (mode: FloorMode) =>
      fetch(
        `http://127.0.0.1:${port}/?mode=${encodeURIComponent(mode)}&ws=${encodeURIComponent(`http://${here}/`)}&post=${encodeURIComponent(`http://${here}/`)}`,
      );
    const ws = new Map<FloorMode, WebSocket>();
    for (const mode of FLOOR_MODES) {
      const before = sockets.length;
      if (mode === FLOOR_MODES[0]) await upWithin(90_000, () => start(mode));
      else await start(mode);
      const socket = sockets[before];
      if (!socket) throw new Error(`the ${mode} Durable Object did not connect`);
      ws.set(mode, socket);
    }
    const trips = new Map<FloorMode, number[]>(FLOOR_MODES.map((m) => [m, []]));
    for (let i = 0; i < WARM + TRIPS; i++) {
      for (const mode of FLOOR_MODES) {
        const id = `${mode}-${i}`;
        const sent = performance.now();
        ws.get(mode)?.send(id);
        const at = await arrivals.wait(id, 1000);
        if (at !== undefined && i >= WARM) trips.get(mode)?.push(at - sent);
        await sleep(GAP_MS);
      }
    }
    return FLOOR_MODES.map((mode) => figure(mode, trips.get(mode) ?? []));
  } finally {
    await group.stop();
    http.close();
    for (const ws of sockets) ws.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** When each POST arrived; {@link wait} is woken by the arrival (no polling on the machine it measures). */
class Arrivals {
  private readonly at = new Map<string, number>();
  private waiting: { id: string; wake: () => void } | null = null;

  arrived(id: string, at: number): void {
    this.at.set(id, at);
    if (this.waiting?.id === id) this.waiting.wake();
  }

  /** When `id` arrived, waiting up to `ms`; undefined if it did not. */
  async wait(id: string, ms: number): Promise<number | undefined> {
    if (!this.at.has(id)) {
      const ac = new AbortController();
      const came = new Promise<void>((wake) => (this.waiting = { id, wake }));
      await Promise.race([came, sleep(ms, undefined, { signal: ac.signal }).catch(() => {})]);
      ac.abort();
      this.waiting = null;
    }
    const at = this.at.get(id);
    this.at.delete(id);
    return at;
  }
}

function figure(mode: FloorMode, trips: number[]): FloorFigure {
  if (trips.length === 0) throw new Error(`no ${mode} trip came back`);
  trips.sort((a, b) => a - b);
  const q = (p: number) => round2(trips[Math.min(trips.length - 1, Math.max(0, Math.ceil(p * trips.length) - 1))]);
  return {
    mode,
    n: trips.length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    min: round2(trips[0]),
    loadAverage: round2(loadavg()[0]),
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function listen(server: Server): Promise<void> {
  return new Promise((res) => server.listen(0, "127.0.0.1", res));
}

async function upWithin(ms: number, attempt: () => Promise<Response>): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await attempt()).ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  throw new Error(`wrangler dev did not answer within ${ms} ms`);
}

if (process.argv[1]?.endsWith("bench-floor.ts")) {
  const figures = await benchFloor();
  if (process.argv.includes("--json")) console.log(JSON.stringify(figures));
  else
    for (const f of figures)
      console.log(
        `${f.mode.padEnd(10)} p50 ${f.p50} ms  p90 ${f.p90}  p99 ${f.p99}  min ${f.min}  (${f.n} trips, load average ${f.loadAverage} on ${cpus().length} cores)`,
      );
}
