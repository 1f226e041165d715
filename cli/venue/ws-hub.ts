/**
 * What every WebSocket endpoint of the venue (public and private, V2 and v3) does alike: accept
 * upgrades, keep the open connections, hand each text frame to the endpoint, forget a connection when
 * it closes, cut them all on demand; read a client's request frame (`ping`, JSON `{op, args}`) with
 * Bitget's error frames for what is not one; and send a frame subject to the drop fault.
 * @module
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import type { Faults } from "./faults";

/** A connection as an endpoint keeps it. */
export interface HubClient {
  readonly ws: WebSocket;
}

/** Options of {@link WsClients}. */
export interface WsClientsOptions<C extends HubClient> {
  /** The endpoint's record of a new connection. */
  readonly make: (ws: WebSocket) => C;
  /** A text frame from the client (binary frames are read as UTF-8). */
  readonly onText: (client: C, text: string) => void;
  /** After the connection closed and was forgotten: drop its subscriptions. */
  readonly onGone?: (client: C) => void;
}

/** The open connections of one endpoint. */
export class WsClients<C extends HubClient> implements Iterable<C> {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #clients = new Set<C>();
  readonly #o: WsClientsOptions<C>;

  constructor(options: WsClientsOptions<C>) {
    this.#o = options;
  }

  /** Open connections. */
  get size(): number {
    return this.#clients.size;
  }

  [Symbol.iterator](): Iterator<C> {
    return this.#clients.values();
  }

  /** Completes a WebSocket upgrade on this endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#attach(ws));
  }

  /** Cuts every connection now (TCP terminate); returns how many. */
  dropAll(): number {
    const n = this.#clients.size;
    for (const c of [...this.#clients]) c.ws.terminate();
    return n;
  }

  /** Cuts every connection and stops accepting new ones. */
  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #attach(ws: WebSocket): void {
    const client = this.#o.make(ws);
    this.#clients.add(client);
    ws.on("message", (raw, isBinary) =>
      this.#o.onText(client, isBinary ? Buffer.from(raw as Buffer).toString("utf8") : raw.toString()),
    );
    ws.on("close", () => {
      this.#clients.delete(client);
      this.#o.onGone?.(client);
    });
    ws.on("error", () => ws.terminate());
  }
}

/** A client's request: its op and non-empty args, or the frame that answers it (pong or an error). */
export type WsRequest<Op extends string> =
  | { readonly ok: true; readonly op: Op; readonly args: readonly unknown[] }
  | { readonly ok: false; readonly reply: string };

/** Reads one text frame against the ops the endpoint knows (Bitget codes 30002, 30003, 30016). */
export function readRequest<Op extends string>(text: string, ops: readonly Op[]): WsRequest<Op> {
  if (text === "ping") return { ok: false, reply: "pong" };
  let msg: { op?: unknown; args?: unknown };
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, reply: errorFrame(30002, "illegal request") };
  }
  const op = msg?.op;
  if (!ops.includes(op as Op)) return { ok: false, reply: errorFrame(30003, `invalid op ${JSON.stringify(op)}`) };
  if (!Array.isArray(msg.args) || msg.args.length === 0)
    return { ok: false, reply: errorFrame(30016, "param error: args must be a non-empty array", op as string) };
  return { ok: true, op: op as Op, args: msg.args };
}

/** A Bitget WS error frame `{"event":"error","code":…,"msg":…}` (code is a number on V2 WS, §1.1). */
export function errorFrame(code: number, msg: string, op?: string): string {
  return JSON.stringify(op === undefined ? { event: "error", code, msg } : { event: "error", code, msg, op });
}

/** A client whose send buffer exceeds this is cut, as an exchange cuts a consumer that cannot keep up. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/**
 * Sends one text frame to an open socket, unless the drop fault cuts the connection instead or the
 * client has fallen too far behind (then it is cut too).
 */
export function sendFrame(ws: WebSocket, text: string, faults: Faults): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  if (faults.dropConnection() || ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
  ws.send(text);
}
