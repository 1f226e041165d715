/**
 * Test helpers for the venue's loopback tests: a WebSocket client that keeps every frame it gets
 * and can wait for one, and a raw signed REST call whose headers a test can spoil on purpose.
 * @module
 */
import WebSocket from "ws";
import type { BitgetCredentials } from "../../shared/exchange/bitget/rest-transport";
import { restPrehash, sign, wsLoginSign } from "../../shared/exchange/bitget/signing";

/** A received frame: its text, and its JSON when it is JSON. */
export interface Frame {
  readonly text: string;
  readonly json: Record<string, unknown> | null;
}

/** A `ws` client that records frames in order. */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly closed: Promise<number>;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (raw) => {
      const text = raw.toString();
      let json: Record<string, unknown> | null = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      this.frames.push({ text, json });
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => ws.on("close", (code) => resolve(code)));
  }

  /** Connects to `url`. */
  static open(url: string): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const s = new TestSocket(ws);
      ws.once("open", () => resolve(s));
      ws.once("error", reject);
    });
  }

  /** Sends a string as is, anything else as JSON. */
  send(msg: unknown): void {
    this.ws.send(typeof msg === "string" ? msg : JSON.stringify(msg));
  }

  /** The first frame at index ≥ `from` that satisfies `pred`; rejects after `timeoutMs`. */
  async waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    let i = from;
    for (;;) {
      for (; i < this.frames.length; i++) if (pred(this.frames[i])) return this.frames[i];
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching frame within ${timeoutMs} ms (${this.frames.length} frames received)`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Subscribes `args` and waits for the ack of each. */
  async subscribe(args: object[], op: "subscribe" | "unsubscribe" = "subscribe"): Promise<void> {
    const from = this.frames.length;
    this.send({ op, args });
    for (const a of args)
      await this.waitFor((f) => f.json?.event === op && JSON.stringify(f.json.arg) === JSON.stringify(a), 5000, from);
  }

  close(): void {
    this.ws.close();
  }
}

/** A public subscription arg. */
export function arg(channel: string, instId: string): { instType: string; channel: string; instId: string } {
  return { instType: "USDT-FUTURES", channel, instId };
}

/** A WS login message, signed with `secret` at `timestampSeconds`. */
export async function loginMessage(
  c: BitgetCredentials,
  timestampSeconds: number,
  secret = c.apiSecret,
): Promise<object> {
  const ts = String(timestampSeconds);
  return {
    op: "login",
    args: [{ apiKey: c.apiKey, passphrase: c.passphrase, timestamp: ts, sign: await wsLoginSign(secret, ts) }],
  };
}

/** What can be spoiled in a signed REST call. */
export interface SignedCallOptions {
  readonly query?: string;
  readonly body?: string;
  /** Default now. */
  readonly timestamp?: string;
  /** Signs with this instead of the secret. */
  readonly secret?: string;
  readonly passphrase?: string;
  readonly apiKey?: string;
  /** Signs this query string instead of the one sent. */
  readonly signedQuery?: string;
  readonly headers?: Record<string, string>;
}

/** A Bitget-signed call; returns the HTTP status and the parsed body. */
export async function signedCall(
  base: string,
  c: BitgetCredentials,
  method: "GET" | "POST",
  path: string,
  o: SignedCallOptions = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const ts = o.timestamp ?? String(Date.now());
  const query = o.query ?? "";
  const body = o.body ?? "";
  const signature = await sign(o.secret ?? c.apiSecret, restPrehash(ts, method, path, o.signedQuery ?? query, body));
  const headers: Record<string, string> = {
    "ACCESS-KEY": o.apiKey ?? c.apiKey,
    "ACCESS-SIGN": signature,
    "ACCESS-TIMESTAMP": ts,
    "ACCESS-PASSPHRASE": o.passphrase ?? c.passphrase,
    "Content-Type": "application/json",
    ...o.headers,
  };
  const res = await fetch(`${base}${path}${query === "" ? "" : `?${query}`}`, {
    method,
    headers,
    body: method === "POST" ? body : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
