/**
 * The local Bitget V2 venue in one Node process on loopback: public and private WebSockets, REST
 * and the admin endpoint share one HTTP port. The market (recordings or the synthetic market) is
 * played at `speed`; every push goes to the public WebSocket first and then, as market events, to
 * the matching core, so fills never precede the trade that caused them.
 *
 * Clocks: the venue's market clock is the largest push `ts` played so far (a 2024 recording gives
 * 2024 times in pushes, orders and fills); REST signature timestamps, WS login timestamps,
 * `requestTime` and `GET /api/v2/public/time` use the wall clock, because clients sign with theirs
 * and sync to `public/time`.
 *
 * Keys: `keys` (each with its account mode), else `credentials` with `accountMode`, else the
 * documented demo key {@link DEFAULT_CREDENTIALS} as a Classic key. Classic keys speak V2
 * (rest-routes.ts, private-ws.ts), UTA keys speak v3 (v3-rest-routes.ts, v3-private-ws.ts); both
 * run on the one matching core, and each family's private endpoints refuse the other (40084/40085).
 *
 * Manual market (`manual`): no source plays; tests hand Bitget pushes to {@link Venue.inject} or
 * `POST /admin/market` (one push or an array), which play them at once, in order, exactly as a
 * source's pushes are played. The market clock is then the largest injected `ts` (the wall clock
 * before the first push).
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import type { Instrument } from "../../shared/market/instrument";
import { defaultInstrument } from "../../shared/market/instruments";
import { ExchangeCore, type PlaceAttempt } from "./exchange-core";
import { type AdminReply, adminRoute, type FaultConfig, Faults } from "./faults";
import {
  instrumentsFor,
  manualPush,
  MarketPlayer,
  type MarketSource,
  recordingSource,
  syntheticSource,
  type VenuePush,
} from "./market-source";
import { PrivateWsHub } from "./private-ws";
import { PublicWsHub } from "./public-ws";
import { RestRouter } from "./rest-routes";
import { V3PrivateWsHub } from "./v3-private-ws";
import { V3PublicWsHub } from "./v3-public-ws";
import { v3Routes } from "./v3-rest-routes";
import { type AccountMode, type VenueKey, VenueKeys } from "./venue-keys";

/** The demo credentials used when none are given (documented, never printed). */
export const DEFAULT_CREDENTIALS: BitgetCredentials = {
  apiKey: "venue-key",
  apiSecret: "venue-secret",
  passphrase: "venue-pass",
};

/** WebSocket paths, as on `wss://ws.bitget.com` (§1.1). */
export const WS_PUBLIC_PATH = "/v2/ws/public";
/** Private WebSocket path. */
export const WS_PRIVATE_PATH = "/v2/ws/private";
/** v3 public WebSocket path (bitget-uta-v3.md §1.3). */
export const WS_V3_PUBLIC_PATH = "/v3/ws/public";
/** UTA (v3) private WebSocket path (bitget-uta-v3.md §3). */
export const WS_V3_PRIVATE_PATH = "/v3/ws/private";

/** Options of {@link startVenue}; exactly one of `recordings`, `synthetic` and `manual`. */
export interface VenueOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** Recording files (format v1, `.jsonl` or `.jsonl.gz`), merged by receive time. */
  readonly recordings?: readonly string[];
  /** The seeded synthetic market, unbounded. */
  readonly synthetic?: { readonly symbols: readonly string[]; readonly seed: number };
  /** No source: the market is what is injected ({@link Venue.inject}, `POST /admin/market`), traded under these rules. */
  readonly manual?: { readonly instruments: readonly Instrument[] };
  /**
   * More contracts the venue lists (contracts endpoint, public subscriptions, orders) under Bitget's
   * rules of shared/market/instruments.ts, with no market of their own: an agent of one connects and
   * hears nothing (tests play its market by hand). Every other symbol is unknown (40102, 30001).
   */
  readonly listed?: readonly string[];
  /** Replay speed: 1 (default) = real time, 0 = as fast as possible. */
  readonly speed?: number;
  /** The key of a one-key venue (default {@link DEFAULT_CREDENTIALS}); ignored when `keys` is given. */
  readonly credentials?: BitgetCredentials;
  /** Account mode of `credentials` (default classic). */
  readonly accountMode?: AccountMode;
  /** Every key the venue accepts, each with its account mode (instead of `credentials`). */
  readonly keys?: readonly VenueKey[];
  readonly faults?: Partial<FaultConfig>;
  /** Default 0.0002 / 0.0006 (Bitget VIP0, §7). */
  readonly makerRate?: number;
  readonly takerRate?: number;
  /** USDT of a new account; default 10 000. */
  readonly startingBalance?: number;
  /** Wall clock; default `Date.now`. */
  readonly wallNow?: () => number;
  /** Called once when a finite replay has played every push. */
  readonly onReplayEnd?: () => void;
  /** Operational notes (never secrets); default: stderr. */
  readonly log?: (line: string) => void;
  /**
   * Latency probes (the bench's e2e live-order figure: venue sends a push → venue receives the
   * resulting order), both stamped with `performance.now()` (ms, sub-ms resolution).
   */
  readonly probes?: VenueProbes;
  /** Hears every place-order call (V2 and v3) with its outcome: the venue's order log (the soak's source). */
  readonly onPlace?: (apiKey: string, attempt: PlaceAttempt) => void;
}

/** Timestamp hooks of {@link VenueOptions.probes}. */
export interface VenueProbes {
  /** A market push is handed to the public WebSockets (V2 and v3); `at` is taken just before the hand-off. */
  onPushSent?(e: { readonly channel: string; readonly symbol: string; readonly ts: number; readonly at: number }): void;
  /** A place-order request (V2 `place-order`/`batch-place-order` or v3 `trade/place-order`) arrived, before its body is read. */
  onOrderReceived?(e: { readonly path: string; readonly at: number }): void;
}

/** REST paths whose arrival {@link VenueProbes.onOrderReceived} reports. */
export const PLACE_ORDER_PATHS: ReadonlySet<string> = new Set([
  "/api/v2/mix/order/place-order",
  "/api/v2/mix/order/batch-place-order",
  "/api/v3/trade/place-order",
]);

/** URLs of a running venue. */
export interface VenueUrls {
  readonly wsPublic: string;
  readonly wsPrivate: string;
  /** v3 public WebSocket. */
  readonly wsPublicV3: string;
  /** UTA private WebSocket. */
  readonly wsPrivateV3: string;
  readonly rest: string;
  readonly admin: string;
}

/** A running venue. */
export interface Venue {
  readonly urls: VenueUrls;
  readonly core: ExchangeCore;
  readonly faults: Faults;
  /** Market time (ms): the largest push `ts` played so far. */
  readonly clock: () => number;
  /** Pushes played so far. */
  readonly pushes: () => number;
  /**
   * Manual market only: checks every push (see `manualPush`), then plays them in order; nothing is
   * played when one is refused. Other venues refuse every injection.
   */
  inject(pushes: readonly unknown[]): InjectResult;
  /** Stops the replay, cuts every connection and closes the port. */
  close(): Promise<void>;
}

/** Outcome of {@link Venue.inject}. */
export type InjectResult =
  | { readonly ok: true; readonly played: number }
  | { readonly ok: false; readonly error: string };

/** Starts the venue; resolves once it listens (recording headers are checked before). */
export async function startVenue(options: VenueOptions): Promise<Venue> {
  const wallNow = options.wallNow ?? Date.now;
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const keys = new VenueKeys(
    options.keys ?? [
      { credentials: options.credentials ?? DEFAULT_CREDENTIALS, accountMode: options.accountMode ?? "classic" },
    ],
  );
  const makerRate = options.makerRate ?? 0.0002;
  const takerRate = options.takerRate ?? 0.0006;
  const manual = options.manual;
  if (manual && (options.synthetic !== undefined || (options.recordings?.length ?? 0) > 0))
    throw new Error("give exactly one market: recordings, synthetic or manual");
  if (manual && manual.instruments.length === 0) throw new Error("a manual market needs at least one instrument");
  const { source, profiles } = manual ? { source: null, profiles: undefined } : await openSource(options, wallNow);
  const played = manual ? [...manual.instruments] : instrumentsFor(source!.symbols, profiles);
  const extra = (options.listed ?? []).filter((x) => !played.some((i) => i.symbol === x));
  const instruments = [...played, ...extra.map((x) => defaultInstrument(x))];
  const symbols = instruments.map((i) => i.symbol);
  const faults = new Faults(options.faults ?? {}, wallNow);
  let player: MarketPlayer | null = null;
  let manualClock: number | null = null;
  let manualCount = 0;
  const clock = () => player?.clock ?? manualClock ?? wallNow();
  let privateHub: PrivateWsHub | null = null;
  let v3PrivateHub: V3PrivateWsHub | null = null;
  const core = new ExchangeCore({
    instruments,
    makerRate,
    takerRate,
    startingBalance: options.startingBalance ?? 10_000,
    now: clock,
    onPlace: options.onPlace,
    onPrivate: (apiKey, channel, data, event) => {
      privateHub?.push(apiKey, channel, data);
      v3PrivateHub?.push(apiKey, event);
    },
  });
  for (const k of keys.all()) core.ensureAccount(k.credentials.apiKey);
  const ticker = (symbol: string) => {
    const t = core.ticker(symbol);
    const item = t.ok ? (t.data[0] as Record<string, unknown> | undefined) : undefined;
    return item && item.lastPr !== "0" ? item : null;
  };
  const publicHub = new PublicWsHub({ symbols, faults, clock, ticker });
  const v3PublicHub = new V3PublicWsHub({ symbols, faults, clock, ticker });
  privateHub = new PrivateWsHub({ keys, core, faults, clock, wallNow, symbols });
  v3PrivateHub = new V3PrivateWsHub({ keys, core, faults, clock, wallNow });
  const rest = new RestRouter({
    core,
    keys,
    faults,
    instruments,
    makerRate,
    takerRate,
    wallNow,
    clock,
    extraRoutes: v3Routes({ core, makerRate, takerRate }),
  });
  const probes = options.probes;
  const onPush = (p: VenuePush) => {
    // Stamped before the hand-off: a process preempted between the send and the stamp would
    // otherwise shorten the measured trip (under load, to below the platform's floor).
    const at = performance.now();
    publicHub.publish(p);
    v3PublicHub.publish(p);
    probes?.onPushSent?.({ channel: p.msg.arg.channel, symbol: p.msg.arg.instId, ts: p.ts, at });
    for (const e of p.events) core.onMarket(e);
    publicHub.publishTicker(p);
    v3PublicHub.publishTicker(p);
  };
  const onReplayEnd = () => {
    log("venue: replay finished; the feed is silent, REST and WebSockets stay up");
    options.onReplayEnd?.();
  };
  const known = new Set(symbols);
  const inject = (pushes: readonly unknown[]): InjectResult => {
    if (!manual) return { ok: false, error: "this venue plays its own market; start it with manual to inject pushes" };
    const checked: VenuePush[] = [];
    for (let i = 0; i < pushes.length; i++) {
      const p = manualPush(pushes[i], known);
      if (typeof p === "string") return { ok: false, error: `push ${i}: ${p}` };
      checked.push(p);
    }
    for (const p of checked) {
      manualClock = Math.max(manualClock ?? p.ts, p.ts);
      manualCount++;
      onPush(p);
    }
    return { ok: true, played: checked.length };
  };
  if (source) {
    player = new MarketPlayer({
      source,
      speed: options.speed ?? 1,
      onPush,
      onEnd: onReplayEnd,
      onError: (e) => log(`venue: replay stopped: ${(e as Error).message}`),
    });
    await player.prime();
  }
  const dropAll = () => publicHub.dropAll() + privateHub!.dropAll() + v3PublicHub.dropAll() + v3PrivateHub!.dropAll();
  const server = createServer((req, res) => {
    if (probes?.onOrderReceived) {
      const path = (req.url ?? "/").split("?")[0];
      if (PLACE_ORDER_PATHS.has(path)) probes.onOrderReceived({ path, at: performance.now() });
    }
    void serve(req, res, rest, faults, dropAll, inject, core);
  });
  // A client that resets its connection (a test's workerd torn down mid-request, an aborted fetch, a
  // socket reset during a WebSocket upgrade, where Node's HTTP server no longer listens for errors)
  // must never take the venue's process down with an unhandled ECONNRESET: it ends that connection only.
  let socketErrors = 0;
  server.on("connection", (socket) =>
    socket.on("error", (e) => log(`venue: connection error #${++socketErrors}: ${(e as Error).message}`)),
  );
  server.on("upgrade", (req, socket, head) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === WS_PUBLIC_PATH) return publicHub.handleUpgrade(req, socket, head);
    if (path === WS_PRIVATE_PATH) return privateHub!.handleUpgrade(req, socket, head);
    if (path === WS_V3_PUBLIC_PATH) return v3PublicHub.handleUpgrade(req, socket, head);
    if (path === WS_V3_PRIVATE_PATH) return v3PrivateHub!.handleUpgrade(req, socket, head);
    socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const running = player;
  void running?.run();
  let closing: Promise<void> | null = null;
  return {
    urls: {
      wsPublic: `ws://127.0.0.1:${port}${WS_PUBLIC_PATH}`,
      wsPrivate: `ws://127.0.0.1:${port}${WS_PRIVATE_PATH}`,
      wsPublicV3: `ws://127.0.0.1:${port}${WS_V3_PUBLIC_PATH}`,
      wsPrivateV3: `ws://127.0.0.1:${port}${WS_V3_PRIVATE_PATH}`,
      rest: `http://127.0.0.1:${port}`,
      admin: `http://127.0.0.1:${port}/admin`,
    },
    core,
    faults,
    clock,
    pushes: () => running?.count ?? manualCount,
    inject,
    close: () => {
      closing ??= (async () => {
        running?.stop();
        rest.close();
        await Promise.all([publicHub.close(), privateHub!.close(), v3PublicHub.close(), v3PrivateHub!.close()]);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

async function openSource(
  options: VenueOptions,
  wallNow: () => number,
): Promise<{ source: MarketSource; profiles?: ReturnType<typeof syntheticSource>["profiles"] }> {
  const hasRec = (options.recordings?.length ?? 0) > 0;
  if (hasRec === (options.synthetic !== undefined))
    throw new Error("give exactly one market: recordings, synthetic or manual");
  if (hasRec) return { source: await recordingSource(options.recordings!) };
  const s = syntheticSource({ symbols: options.synthetic!.symbols, seed: options.synthetic!.seed, startMs: wallNow() });
  return { source: s, profiles: s.profiles };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  rest: RestRouter,
  faults: Faults,
  dropAll: () => number,
  inject: (pushes: readonly unknown[]) => InjectResult,
  core: ExchangeCore,
): Promise<void> {
  try {
    const path = (req.url ?? "/").split("?")[0];
    if (path.startsWith("/admin/")) {
      const body = await readText(req);
      const method = (req.method ?? "GET").toUpperCase();
      const reply =
        path === "/admin/market"
          ? marketRoute(method, body, inject)
          : path === "/admin/fire-stops"
            ? fireStopsRoute(method, body, core)
            : (adminRoute(method, path, body, faults, dropAll) ?? {
                status: 404,
                body: { error: `no admin route ${path}` },
              });
      const text = JSON.stringify(reply.body);
      res.writeHead(reply.status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    await rest.handle(req, res);
  } catch (e) {
    process.stderr.write(`venue: request failed: ${(e as Error).message}\n`);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        code: "40015",
        msg: "System is abnormal, please try again later.",
        requestTime: Date.now(),
        data: null,
      }),
    );
  }
}

/** `POST /admin/market`: a JSON push or array of pushes → `{"played": n}`; 400 for a bad push, 409 without a manual market. */
function marketRoute(method: string, body: string, inject: (pushes: readonly unknown[]) => InjectResult): AdminReply {
  if (method !== "POST") return { status: 405, body: { error: "use POST" } };
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return { status: 400, body: { error: "body is not JSON" } };
  }
  const r = inject(Array.isArray(input) ? input : [input]);
  if (r.ok) return { status: 200, body: { played: r.played } };
  return { status: r.error.startsWith("this venue") ? 409 : 400, body: { error: r.error } };
}

/**
 * `POST /admin/fire-stops` (body empty, or `{"symbol": "BTCUSDT"}`): fires the exchange-side stop-loss
 * of every position holding one (of that symbol), as a print through the stop would →
 * `{"fired": n}`; 400 for a bad body or an unknown symbol.
 */
function fireStopsRoute(method: string, body: string, core: ExchangeCore): AdminReply {
  if (method !== "POST") return { status: 405, body: { error: "use POST" } };
  let input: unknown;
  try {
    input = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return { status: 400, body: { error: "body is not JSON" } };
  }
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { status: 400, body: { error: 'body must be {} or {"symbol": "BTCUSDT"}' } };
  const symbol = (input as { symbol?: unknown }).symbol;
  if (symbol !== undefined && (typeof symbol !== "string" || !core.instrumentList().some((i) => i.symbol === symbol)))
    return { status: 400, body: { error: `unknown symbol ${JSON.stringify(symbol)}` } };
  return { status: 200, body: { fired: core.fireStops(symbol) } };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 65_536) throw new Error("admin body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
