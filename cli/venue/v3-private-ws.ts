/**
 * The venue's UTA private WebSocket (`/v3/ws/private`, bitget-uta-v3.md §3): `login` as on V2
 * (ws-login.ts; a Classic key is refused with 40084), then `subscribe` to
 * `{"instType":"UTA","topic":"order"|"fill"|"position"|"account"}` (no symbol: every product on one
 * subscription), acked `{"event":"subscribe","arg":…}`. Pushes are
 * `{"action":"snapshot"|"update","arg":{"instType":"UTA","topic":…},"data":[…],"ts":ms}` built from
 * the matching core's events with the v3 shapes (v3-shapes.ts). `order` and `fill` push nothing on
 * subscribe (clients reconcile over REST); `position` and `account` start with a snapshot. Text
 * `ping` → `pong`. Frames go through the same fault injection as V2 (drop, via `sendFrame`).
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Instrument } from "../../shared/market/instrument";
import type { CoreEvent, ExchangeCore } from "./exchange-core";
import type { Faults } from "./faults";
import { loginFor } from "./private-ws";
import { accountPushShapeV3, fillShapeV3, orderPushShapeV3, positionPushShapeV3 } from "./v3-shapes";
import type { VenueKeys } from "./venue-keys";
import { errorFrame, readRequest, sendFrame, WsClients } from "./ws-hub";

/** v3 private topics the venue serves. */
export type V3PrivateTopic = "order" | "fill" | "position" | "account";

const TOPICS: ReadonlySet<string> = new Set<V3PrivateTopic>(["order", "fill", "position", "account"]);

/** Options of {@link V3PrivateWsHub}. */
export interface V3PrivateWsOptions {
  readonly keys: VenueKeys;
  readonly core: Pick<ExchangeCore, "ensureAccount" | "positionRecords" | "accountFigures" | "instrumentList">;
  readonly faults: Faults;
  /** Market time, for the `ts` of pushes. */
  readonly clock: () => number;
  /** Wall clock, for the login window. */
  readonly wallNow: () => number;
}

interface Client {
  readonly ws: WebSocket;
  apiKey: string | null;
  readonly topics: Set<V3PrivateTopic>;
}

/** The v3 private WebSocket endpoint: attach to an HTTP server's `upgrade`, feed with {@link push}. */
export class V3PrivateWsHub {
  readonly #o: V3PrivateWsOptions;
  readonly #clients: WsClients<Client>;
  readonly #inst: ReadonlyMap<string, Instrument>;

  constructor(options: V3PrivateWsOptions) {
    this.#o = options;
    this.#inst = new Map(options.core.instrumentList().map((i) => [i.symbol, i]));
    this.#clients = new WsClients<Client>({
      make: (ws) => ({ ws, apiKey: null, topics: new Set() }),
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

  /** Sends one core event to the connections logged in with `apiKey` and subscribed to its topic. */
  push(apiKey: string, event: CoreEvent): void {
    let topic: V3PrivateTopic | null = null;
    let text = "";
    for (const client of this.#clients) {
      if (client.apiKey !== apiKey) continue;
      if (topic === null) {
        const built = this.#frame(event);
        topic = built.topic;
        text = built.text;
      }
      if (!client.topics.has(topic)) continue;
      sendFrame(client.ws, text, this.#o.faults);
      if (this.#o.faults.duplicateFrame()) sendFrame(client.ws, text, this.#o.faults);
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

  #frame(event: CoreEvent): { topic: V3PrivateTopic; text: string } {
    const inst = (symbol: string) => this.#inst.get(symbol)!;
    switch (event.channel) {
      case "orders":
        return this.#envelope("order", "update", [orderPushShapeV3(event.order, inst(event.order.symbol))]);
      case "fill":
        return this.#envelope("fill", "update", [fillShapeV3(event.fill, inst(event.fill.symbol))]);
      case "positions":
        return this.#envelope("position", "snapshot", event.views.map(positionPushShapeV3));
      case "account":
        return this.#envelope("account", "snapshot", [accountPushShapeV3(event.figures)]);
    }
  }

  #envelope(
    topic: V3PrivateTopic,
    action: "snapshot" | "update",
    data: object[],
  ): { topic: V3PrivateTopic; text: string } {
    return {
      topic,
      text: JSON.stringify({ action, arg: { instType: "UTA", topic }, data, ts: this.#o.clock() }),
    };
  }

  async #onMessage(client: Client, text: string): Promise<void> {
    const r = readRequest(text, ["login", "subscribe", "unsubscribe"] as const);
    if (!r.ok) return sendFrame(client.ws, r.reply, this.#o.faults);
    if (r.op === "login") return this.#login(client, r.args[0]);
    for (const a of r.args) this.#onArg(client, r.op, a);
  }

  async #login(client: Client, raw: unknown): Promise<void> {
    const login = await loginFor(raw, this.#o.keys, this.#o.wallNow, "uta");
    if (!login.ok) {
      sendFrame(client.ws, errorFrame(login.code, login.reason, "login"), this.#o.faults);
      client.ws.close(1008, "login failed");
      return;
    }
    client.apiKey = login.apiKey;
    this.#o.core.ensureAccount(login.apiKey);
    sendFrame(client.ws, JSON.stringify({ event: "login", code: 0, msg: "" }), this.#o.faults);
  }

  #onArg(client: Client, op: "subscribe" | "unsubscribe", raw: unknown): void {
    const send = (frame: string) => sendFrame(client.ws, frame, this.#o.faults);
    if (client.apiKey === null)
      return send(JSON.stringify({ event: "error", arg: raw, code: 30004, msg: "User not logged in", op }));
    const a = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const topic = a.topic;
    if (a.instType !== "UTA" || typeof topic !== "string" || !TOPICS.has(topic)) {
      const msg = `instType:${a.instType},topic:${a.topic} doesn't exist`;
      return send(JSON.stringify({ event: "error", arg: raw, code: 30001, msg, op }));
    }
    const t = topic as V3PrivateTopic;
    const arg = { instType: "UTA", topic: t };
    if (op === "unsubscribe") {
      client.topics.delete(t);
      return send(JSON.stringify({ event: "unsubscribe", arg }));
    }
    const fresh = !client.topics.has(t);
    client.topics.add(t);
    send(JSON.stringify({ event: "subscribe", arg, connId: `venue-${this.#clients.size}` }));
    if (!fresh || t === "order" || t === "fill") return;
    const apiKey = client.apiKey;
    const frame =
      t === "position"
        ? this.#envelope("position", "snapshot", this.#o.core.positionRecords(apiKey).map(positionPushShapeV3))
        : this.#envelope("account", "snapshot", [accountPushShapeV3(this.#o.core.accountFigures(apiKey))]);
    send(frame.text);
  }
}
