/**
 * The socket port: the smallest text-WebSocket surface the feed needs, so that a Durable Object
 * adapter (`fetch` + `Upgrade: websocket` in workerd), a Node `ws` adapter and a test fake can all
 * implement it.
 * @module
 */

/**
 * One open text WebSocket connection.
 *
 * The feed assigns the three callbacks synchronously when {@link SocketPort.connect} resolves, and
 * sets them to `null` when it abandons the socket. Adapters must:
 * - deliver text frames to `onMessage` (decode binary frames to UTF-8 text first);
 * - call `onClose` once when the connection ends for any reason, and `onError` on transport errors
 *   (an error may be followed by a close; the feed tolerates either order, and repeats);
 * - never call a callback before `connect` has resolved (buffer, or dispatch from platform events,
 *   which run after the resolving microtask);
 * - let `send` throw (or do nothing) on a closed socket; the feed treats a throw as a disconnect.
 */
export interface SocketLike {
  /** Sends one text frame. */
  send(text: string): void;
  /** Closes the connection; `code` is 1000 or 3000–4999, `reason` at most 123 UTF-8 bytes. */
  close(code?: number, reason?: string): void;
  /** Receives each text frame. */
  onMessage: ((text: string) => void) | null;
  /** Receives the end of the connection. */
  onClose: ((code: number, reason: string) => void) | null;
  /** Receives transport errors. */
  onError: ((error: unknown) => void) | null;
}

/** Opens text WebSocket connections. */
export interface SocketPort {
  /** Resolves with an open socket, or rejects when the connection cannot be established. */
  connect(url: string): Promise<SocketLike>;
}
