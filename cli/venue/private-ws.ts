/**
 * The venue's private WebSocket (`/v2/ws/private`), speaking Bitget V2 (bitget-v2.md §3):
 * `login` checked like Bitget checks it — known key, passphrase, timestamp in Unix seconds within
 * 30 s of the wall clock, `sign = base64(HMAC_SHA256(secret, ts + "GET/user/verify"))` — answered
 * `{"event":"login","code":0,"msg":""}`, or `{"event":"error","code":30005,…}` and the socket is
 * closed (ws-login.ts). A UTA key is refused the same way with Bitget's REST code for a UTA key on a
 * Classic endpoint (`40085`; the real WS code is not documented). `orders` / `fill` / `positions` /
 * `account` can be subscribed after login only (30004
 * before). Pushes come from the matching core for the logged-in key; `positions` and `account`
 * start with a snapshot. Text `ping` → `pong` at any time.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { CoreResult } from "./core-errors";
import type { Faults } from "./faults";
import { type AccountMode, familyRefusal, type VenueKeys } from "./venue-keys";
import { errorFrame, readRequest, sendFrame, WsClients } from "./ws-hub";
import { checkWsLogin } from "./ws-login";

/** Private channels the venue serves. */
export const PRIVATE_CHANNELS: ReadonlySet<string> = new Set(["orders", "fill", "positions", "account"]);

const INST_TYPES: ReadonlySet<string> = new Set(["USDT-FUTURES", "SUSDT-FUTURES"]);

export { LOGIN_WINDOW_MS } from "./ws-login";

/** What the hub reads from the matching core: the snapshots sent on subscribe. */
export interface PrivateSnapshots {
  ensureAccount(apiKey: string): void;
  positions(apiKey: string, symbol?: string): CoreResult<object[]>;
  accounts(apiKey: string): CoreResult<object[]>;
}

/** A private channel the core pushes on. */
export type PrivateChannel = "orders" | "fill" | "positions" | "account";

/** Options of {@link PrivateWsHub}. */
export interface PrivateWsOptions {
  readonly keys: VenueKeys;
  /** The account family this endpoint serves (default classic); keys of the other family cannot log in. */
  readonly family?: AccountMode;
  readonly core: PrivateSnapshots;
  readonly faults: Faults;
  /** Market time, for the `ts` of pushes. */
  readonly clock: () => number;
  /** Wall clock, for the login timestamp window. */
  readonly wallNow: () => number;
  /** Symbols that exist (a symbol-specific `instId` must be one of them). */
  readonly symbols: readonly string[];
}

interface Sub {
  readonly channel: PrivateChannel;
  /** `default` or a symbol. */
  readonly target: string;
  /** The arg as the client sent it, echoed in acks and pushes. */
  readonly arg: Record<string, unknown>;
}

interface Client {
  readonly ws: WebSocket;
  apiKey: string | null;
  readonly subs: Map<string, Sub>;
}

/** Private WebSocket endpoint: attach it to an HTTP server's `upgrade`, feed it with {@link push}. */
export class PrivateWsHub {
  readonly #o: PrivateWsOptions;
  readonly #symbols: ReadonlySet<string>;
  readonly #clients: WsClients<Client>;

  constructor(options: PrivateWsOptions) {
    this.#o = options;
    this.#symbols = new Set(options.symbols);
    this.#clients = new WsClients<Client>({
      make: (ws) => ({ ws, apiKey: null, subs: new Map() }),
      onText: (client, text) => void this.#onMessage(client, text),
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.#clients.size;
  }

  /** Completes a WebSocket upgrade on this endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#clients.handleUpgrade(req, socket, head);
  }

  /**
   * Sends the core's `data` to every connection logged in with `apiKey` and subscribed to `channel`;
   * a symbol subscription gets the items of its symbol only (positions and account: always sent,
   * as they are full snapshots). The duplicate fault sends the whole push twice.
   */
  push(apiKey: string, channel: PrivateChannel, data: object[]): void {
    if (![...this.#clients].some((c) => c.apiKey === apiKey)) return;
    const times = this.#o.faults.duplicateFrame() ? 2 : 1;
    for (let i = 0; i < times; i++) this.#pushOnce(apiKey, channel, data);
  }

  #pushOnce(apiKey: string, channel: PrivateChannel, data: object[]): void {
    for (const client of this.#clients) {
      if (client.apiKey !== apiKey) continue;
      for (const sub of client.subs.values()) {
        if (sub.channel !== channel) continue;
        const items = sub.target === "default" ? data : data.filter((d) => symbolOf(d) === sub.target);
        if (items.length === 0 && (channel === "orders" || channel === "fill")) continue;
        sendFrame(
          client.ws,
          JSON.stringify({ action: "snapshot", arg: sub.arg, data: items, ts: this.#o.clock() }),
          this.#o.faults,
        );
      }
    }
  }

  /** Cuts every connection now (TCP terminate); returns how many. */
  dropAll(): number {
    return this.#clients.dropAll();
  }

  /** Cuts every connection and stops accepting new ones. */
  close(): Promise<void> {
    return this.#clients.close();
  }

  async #onMessage(client: Client, text: string): Promise<void> {
    const r = readRequest(text, ["login", "subscribe", "unsubscribe"] as const);
    if (!r.ok) return sendFrame(client.ws, r.reply, this.#o.faults);
    if (r.op === "login") return this.#login(client, r.args[0]);
    for (const a of r.args) this.#onArg(client, r.op, a);
  }

  async #login(client: Client, raw: unknown): Promise<void> {
    const login = await loginFor(raw, this.#o.keys, this.#o.wallNow, this.#o.family ?? "classic");
    if (!login.ok) {
      sendFrame(client.ws, errorFrame(login.code, login.reason, "login"), this.#o.faults);
      client.ws.close(1008, "login failed");
      return;
    }
    client.apiKey = login.apiKey;
    this.#o.core.ensureAccount(client.apiKey);
    sendFrame(client.ws, JSON.stringify({ event: "login", code: 0, msg: "" }), this.#o.faults);
  }

  #onArg(client: Client, op: "subscribe" | "unsubscribe", raw: unknown): void {
    const send = (frame: string) => sendFrame(client.ws, frame, this.#o.faults);
    if (client.apiKey === null)
      return send(JSON.stringify({ event: "error", arg: raw, code: 30004, msg: "User not logged in", op }));
    const sub = this.#checkArg(raw);
    if (!sub) {
      const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
      const msg = `instType:${a.instType},channel:${a.channel},instId:${a.instId ?? a.coin} doesn't exist`;
      return send(JSON.stringify({ event: "error", arg: raw, code: 30001, msg, op }));
    }
    const k = `${sub.channel}|${sub.target}`;
    if (op === "unsubscribe") {
      client.subs.delete(k);
      return send(JSON.stringify({ event: "unsubscribe", arg: sub.arg }));
    }
    const fresh = !client.subs.has(k);
    client.subs.set(k, sub);
    send(JSON.stringify({ event: "subscribe", arg: sub.arg }));
    if (fresh) this.#sendSnapshot(client, sub);
  }

  #checkArg(raw: unknown): Sub | null {
    if (typeof raw !== "object" || raw === null) return null;
    const arg = raw as Record<string, unknown>;
    const { instType, channel } = arg;
    if (typeof instType !== "string" || !INST_TYPES.has(instType.toUpperCase())) return null;
    if (typeof channel !== "string" || !PRIVATE_CHANNELS.has(channel)) return null;
    const target = channel === "account" ? (arg.coin ?? arg.instId) : arg.instId;
    if (typeof target !== "string") return null;
    const ok = target === "default" || (channel === "account" ? target === "USDT" : this.#symbols.has(target));
    return ok ? { channel: channel as PrivateChannel, target: channel === "account" ? "default" : target, arg } : null;
  }

  #sendSnapshot(client: Client, sub: Sub): void {
    const apiKey = client.apiKey!;
    let data: object[];
    if (sub.channel === "positions") {
      const r = this.#o.core.positions(apiKey, sub.target === "default" ? undefined : sub.target);
      data = r.ok ? r.data.map(wsPosition) : [];
    } else if (sub.channel === "account") {
      const r = this.#o.core.accounts(apiKey);
      data = r.ok ? r.data.map(wsAccount) : [];
    } else {
      return;
    }
    sendFrame(
      client.ws,
      JSON.stringify({ action: "snapshot", arg: sub.arg, data, ts: this.#o.clock() }),
      this.#o.faults,
    );
  }
}

function symbolOf(item: object): unknown {
  const o = item as Record<string, unknown>;
  return o.instId ?? o.symbol;
}

/** A REST position item with the WS field names added (`instId`, `frozen`), §3.2. */
function wsPosition(p: object): object {
  const o = p as Record<string, unknown>;
  return { ...o, instId: o.instId ?? o.symbol, frozen: o.frozen ?? o.locked ?? "0" };
}

/** A REST accounts item with the WS field names added (`equity`, `frozen`, `maxOpenPosAvailable`), §3.2. */
function wsAccount(a: object): object {
  const o = a as Record<string, unknown>;
  return {
    ...o,
    frozen: o.frozen ?? o.locked ?? "0",
    equity: o.equity ?? o.accountEquity,
    maxOpenPosAvailable: o.maxOpenPosAvailable ?? o.available,
  };
}

/**
 * A private WebSocket login for an endpoint of `family`: the key, or the error code to send (30005
 * for a bad login, 40084/40085 for a key of the other family) and the reason.
 */
export async function loginFor(
  raw: unknown,
  keys: VenueKeys,
  wallNow: () => number,
  family: AccountMode,
): Promise<{ ok: true; apiKey: string } | { ok: false; code: number; reason: string }> {
  const login = await checkWsLogin(raw, keys, wallNow);
  if (!login.ok) return { ok: false, code: 30005, reason: login.reason };
  const wrong = familyRefusal(login.key.accountMode, family);
  if (wrong) return { ok: false, code: Number(wrong.code), reason: wrong.msg };
  return { ok: true, apiKey: login.key.credentials.apiKey };
}
