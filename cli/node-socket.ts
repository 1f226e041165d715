/**
 * The {@link SocketPort} for Node, over the `ws` package: what the CLIs hand to PublicFeed.
 * @module
 */
import WebSocket from "ws";
import type { SocketLike, SocketPort } from "../shared/exchange/bitget/socket";

/** Options of {@link NodeSocketPort}. */
export interface NodeSocketOptions {
  /** Abandon an opening handshake after this; default 10 000 ms (PublicFeed has its own connect timeout too). */
  readonly handshakeTimeoutMs?: number;
  /** Largest accepted frame in bytes; default 16 MiB (a full-depth snapshot is well below). */
  readonly maxPayloadBytes?: number;
}

/**
 * Opens text WebSockets with `ws`. Resolves once the socket is open, and rejects with the transport
 * error (refused, DNS, TLS, unexpected HTTP status, handshake timeout) when it cannot open.
 */
export class NodeSocketPort implements SocketPort {
  private readonly handshakeTimeoutMs: number;
  private readonly maxPayloadBytes: number;

  constructor(options: NodeSocketOptions = {}) {
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 16 * 1024 * 1024;
  }

  /** Connects to a `ws://` or `wss://` url. */
  connect(url: string): Promise<SocketLike> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, { handshakeTimeout: this.handshakeTimeoutMs, maxPayload: this.maxPayloadBytes });
      } catch (e) {
        reject(e);
        return;
      }
      const failed = (e: Error) => reject(e);
      const closedEarly = (code: number) => reject(new Error(`closed ${code} before the connection opened`));
      ws.on("error", failed);
      ws.on("close", closedEarly);
      ws.once("open", () => {
        ws.off("error", failed);
        ws.off("close", closedEarly);
        resolve(new NodeSocket(ws));
      });
    });
  }
}

/**
 * One open `ws` connection as a {@link SocketLike}.
 *
 * Events that arrive before the opening `connect` promise has been consumed are queued and delivered
 * on the next macrotask (`setImmediate`), so no callback runs before the caller has attached it:
 * `ws` may emit a message from `process.nextTick`, which runs ahead of promise reactions.
 */
export class NodeSocket implements SocketLike {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((code: number, reason: string) => void) | null = null;
  onError: ((error: unknown) => void) | null = null;

  private queue: (() => void)[] | null = [];

  constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => this.dispatch(() => this.onMessage?.(text(data))));
    ws.on("error", (e) => this.dispatch(() => this.onError?.(e)));
    ws.once("close", (code, reason) => this.dispatch(() => this.onClose?.(code, reason.toString("utf8"))));
    setImmediate(() => this.drain());
  }

  /** Sends one text frame; throws when the socket is not open. */
  send(data: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error(`socket is not open (readyState ${this.ws.readyState})`);
    this.ws.send(data);
  }

  /** Starts the closing handshake (`ws` destroys the socket if the peer does not answer within 30 s). */
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }

  private dispatch(deliver: () => void): void {
    if (this.queue) this.queue.push(deliver);
    else deliver();
  }

  private drain(): void {
    const queued = this.queue ?? [];
    this.queue = null;
    for (const deliver of queued) deliver();
  }
}

/** A frame as UTF-8 text, text and binary frames alike. */
function text(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
