/**
 * The {@link SocketPort} for workerd: an outbound WebSocket opened with `fetch` + `Upgrade: websocket`,
 * so that a refused handshake reports its HTTP status (451/403/429 from an exchange). `fetch` rejects
 * `ws://` URLs, so the scheme is rewritten to `http(s)://` (cloudflare-stack.md §6).
 * @module
 */
import type { SocketLike, SocketPort } from "../shared/exchange/bitget/socket";

/** `ws://` → `http://`, `wss://` → `https://`; other URLs unchanged. */
export function upgradeUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//i, (_, secure: string) => `http${secure.toLowerCase()}://`);
}

/** Opens text WebSockets from a Durable Object. */
export class WorkerdSocketPort implements SocketPort {
  /** Resolves with an accepted socket; rejects with the HTTP status when the server refuses the upgrade. */
  async connect(url: string): Promise<SocketLike> {
    const res = await fetch(upgradeUrl(url), { headers: { Upgrade: "websocket" } });
    const ws = res.webSocket;
    if (!ws)
      throw new Error(`websocket upgrade refused: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    ws.accept();
    return new WorkerdSocket(ws);
  }
}

const decoder = new TextDecoder();

/**
 * One accepted workerd WebSocket as a {@link SocketLike}. Platform events are dispatched as tasks,
 * after the microtask that resolves `connect`, so no callback runs before the feed attached it.
 * `onClose` fires at most once.
 */
export class WorkerdSocket implements SocketLike {
  onMessage: ((text: string) => void) | null = null;
  onClose: ((code: number, reason: string) => void) | null = null;
  onError: ((error: unknown) => void) | null = null;
  private closed = false;

  constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (e) =>
      this.onMessage?.(typeof e.data === "string" ? e.data : decoder.decode(e.data as ArrayBuffer)),
    );
    ws.addEventListener("close", (e) => this.ended(e.code, e.reason));
    ws.addEventListener("error", (e) =>
      this.onError?.((e as ErrorEvent).error ?? new Error((e as ErrorEvent).message || "websocket error")),
    );
  }

  /** Sends one text frame; throws when the socket is not open. */
  send(text: string): void {
    if (this.closed) throw new Error("socket is closed");
    this.ws.send(text);
  }

  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.ended(code ?? 1000, reason ?? "");
  }

  private ended(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(code, reason);
  }
}
