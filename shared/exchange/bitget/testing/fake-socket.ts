/**
 * Test doubles for the WebSocket feeds: fake time (clock + timers moved only by `advance`), a fake
 * socket that records what the client sends and lets a test play the server, and a fake port.
 * @module
 */
import type { SocketLike, SocketPort } from "../socket";

/** Lets pending promise reactions run (WebCrypto signing included). */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
}

/** A small seeded PRNG, so jitter is reproducible: mulberry32, under the name its importers know. */
export { mulberry32 as seeded } from "../../../research/prng";

/** Fake clock and timers: time moves only through `advance`, which fires due timers in time order. */
export class FakeTime {
  now = 1_700_000_000_000;
  private nextId = 1;
  private readonly tasks = new Map<number, { at: number; fn: () => void }>();
  readonly clock = { now: () => this.now };
  readonly timers = {
    setTimeout: (fn: () => void, ms: number): unknown => {
      const id = this.nextId++;
      this.tasks.set(id, { at: this.now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout: (handle: unknown): void => {
      this.tasks.delete(handle as number);
    },
  };

  /** Timers not yet fired. */
  get pending(): number {
    return this.tasks.size;
  }

  /** Moves time forward by `ms`, firing due timers (and the microtasks they cause) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    await flushMicrotasks();
    for (;;) {
      let id = -1;
      let at = Infinity;
      for (const [k, t] of this.tasks) if (t.at < at) [id, at] = [k, t.at];
      if (at > end) break;
      const task = this.tasks.get(id)!;
      this.tasks.delete(id);
      this.now = at;
      task.fn();
      await flushMicrotasks();
    }
    this.now = end;
    await flushMicrotasks();
  }
}

/** A socket whose server side the test plays. */
export class FakeSocket implements SocketLike {
  readonly sent: { at: number; text: string }[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onMessage: ((text: string) => void) | null = null;
  onClose: ((code: number, reason: string) => void) | null = null;
  onError: ((error: unknown) => void) | null = null;

  constructor(private readonly time: FakeTime) {}

  send(text: string): void {
    if (this.closed) throw new Error("socket is closed");
    this.sent.push({ at: this.time.now, text });
  }

  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
  }

  /** The server sends a frame (objects are JSON-encoded). */
  receive(frame: unknown): void {
    this.onMessage?.(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The JSON messages the client sent (pings left out). */
  json(): Record<string, unknown>[] {
    return this.sent.filter((m) => m.text !== "ping").map((m) => JSON.parse(m.text) as Record<string, unknown>);
  }

  /** Client messages with `op`. */
  ops(op: string): Record<string, unknown>[] {
    return this.json().filter((m) => m.op === op);
  }

  /** `channel:instId` of every arg sent with `op`, in order. */
  args(op: string): string[] {
    return this.ops(op).flatMap((r) =>
      (r.args as { channel: string; instId: string }[]).map((a) => `${a.channel}:${a.instId}`),
    );
  }

  /** Text `ping`s sent. */
  get pings(): number {
    return this.sent.filter((m) => m.text === "ping").length;
  }
}

/** Opens {@link FakeSocket}s; can refuse the next attempts, or leave them hanging until the test answers. */
export class FakePort implements SocketPort {
  readonly sockets: FakeSocket[] = [];
  readonly attempts: number[] = [];
  failNext = 0;
  /** While true, connection attempts hang; each waits in {@link hung} for the test to resolve it. */
  hang = false;
  readonly hung: ((s: SocketLike) => void)[] = [];

  constructor(private readonly time: FakeTime) {}

  connect(): Promise<SocketLike> {
    this.attempts.push(this.time.now);
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error("connection refused"));
    }
    if (this.hang) return new Promise((resolve) => this.hung.push(resolve));
    const s = new FakeSocket(this.time);
    this.sockets.push(s);
    return Promise.resolve(s);
  }

  /** The most recent socket. */
  get last(): FakeSocket {
    return this.sockets[this.sockets.length - 1];
  }
}
