/**
 * Fault injection of the local venue: dropped connections, feed stalls, malformed frames, sequence
 * gaps, duplicate pushes, and REST timeouts / 5xx / 429 on a chosen fraction of calls. Every decision draws from a
 * seeded generator, one stream per fault kind, so a run with the same spec, seed and traffic makes
 * the same decisions, and changing one rate does not shift the others.
 *
 * Spec (`--faults`): comma-separated `key=value`, e.g.
 * `drop=0.01,stall=5000,malformed=0.001,gap=0.001,duplicate=0.01,rest-timeout=0.05,rest-5xx=0.02,rest-429=0.02,seed=7`.
 * - `drop`: chance per WS frame sent that its connection is cut (TCP terminate, no close frame).
 * - `stall`: length (ms) of a public-feed stall: pushes are withheld, the socket stays open and
 *   `ping` is still answered. With `stall-rate` = 0 one stall starts when the value is applied
 *   (start-up for the flag, the request for the admin endpoint); otherwise `stall-rate` is the
 *   chance per push that a stall starts.
 * - `malformed`: chance per public push that it is sent truncated (invalid JSON).
 * - `gap`: chance per public push that it is not sent at all (seq and trade-id gaps).
 * - `duplicate`: chance per push (public market data, and private orders/fill/positions/account)
 *   that it is sent twice in a row, as a reconnecting or retrying exchange gateway may.
 * - `rest-timeout` / `rest-5xx` / `rest-429`: chance per REST call (one draw, in that order) that it
 *   is processed but never answered / refused with HTTP 500 / refused with HTTP 429.
 * - `seed`: seed of every stream (default 1); setting it restarts the streams.
 * {@link Faults.counts} says how many of each fault were injected (the soak reports them).
 * @module
 */

/** The fault configuration; rates are probabilities in [0, 1]. */
export interface FaultConfig {
  readonly drop: number;
  readonly stall: number;
  readonly "stall-rate": number;
  readonly malformed: number;
  readonly gap: number;
  readonly duplicate: number;
  readonly "rest-timeout": number;
  readonly "rest-5xx": number;
  readonly "rest-429": number;
  readonly seed: number;
}

/** Name of one fault setting. */
export type FaultKey = keyof FaultConfig;

/** How many of each fault were injected since the venue started (stalls: stalls started). */
export interface FaultCounts {
  drops: number;
  stalls: number;
  malformed: number;
  gaps: number;
  duplicates: number;
  restTimeouts: number;
  rest5xx: number;
  rest429: number;
}

/** What a REST call suffers, or null. */
export type RestFault = "timeout" | "5xx" | "429" | null;

/** A parse result: the settings given, or an error naming the bad one. */
export type FaultParse =
  | { readonly ok: true; readonly patch: Partial<FaultConfig> }
  | { readonly ok: false; readonly error: string };

/** No faults. */
export const NO_FAULTS: FaultConfig = {
  drop: 0,
  stall: 0,
  "stall-rate": 0,
  malformed: 0,
  gap: 0,
  duplicate: 0,
  "rest-timeout": 0,
  "rest-5xx": 0,
  "rest-429": 0,
  seed: 1,
};

const RATE_KEYS = new Set<FaultKey>([
  "drop",
  "stall-rate",
  "malformed",
  "gap",
  "duplicate",
  "rest-timeout",
  "rest-5xx",
  "rest-429",
]);
const KEYS = Object.keys(NO_FAULTS) as FaultKey[];

/** Parses a `--faults` spec; an empty spec gives an empty patch. */
export function parseFaultSpec(spec: string): FaultParse {
  const patch: Record<string, unknown> = {};
  for (const part of spec.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    const eq = item.indexOf("=");
    if (eq < 0) return { ok: false, error: `fault "${item}" needs a value (key=value)` };
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    if (raw === "") return { ok: false, error: `fault ${key} needs a value` };
    patch[key] = Number(raw);
  }
  return validateFaultPatch(patch);
}

/** Validates a patch from the spec or the admin endpoint's JSON body. */
export function validateFaultPatch(input: unknown): FaultParse {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { ok: false, error: "faults must be a JSON object" };
  const patch: Record<string, number> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!KEYS.includes(key as FaultKey))
      return { ok: false, error: `unknown fault ${key} (known: ${KEYS.join(", ")})` };
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n))
      return { ok: false, error: `fault ${key} must be a number, got ${JSON.stringify(value)}` };
    if (RATE_KEYS.has(key as FaultKey) && !(n >= 0 && n <= 1))
      return { ok: false, error: `fault ${key} is a probability in [0, 1], got ${n}` };
    if (key === "stall" && !(n >= 0)) return { ok: false, error: `fault stall is a duration in ms >= 0, got ${n}` };
    if (key === "seed" && !Number.isSafeInteger(n))
      return { ok: false, error: `fault seed must be an integer, got ${n}` };
    patch[key] = n;
  }
  return { ok: true, patch: patch as Partial<FaultConfig> };
}

/** The venue's fault injector; see the module doc for what each setting does. */
export class Faults {
  #config: FaultConfig = NO_FAULTS;
  #stallUntil = 0;
  readonly #now: () => number;
  #drop!: Stream;
  #stall!: Stream;
  #malformed!: Stream;
  #gap!: Stream;
  #duplicate!: Stream;
  #rest!: Stream;
  readonly #counts: FaultCounts = {
    drops: 0,
    stalls: 0,
    malformed: 0,
    gaps: 0,
    duplicates: 0,
    restTimeouts: 0,
    rest5xx: 0,
    rest429: 0,
  };

  /** `now` is the wall clock (stalls last real milliseconds). */
  constructor(config: Partial<FaultConfig> = {}, now: () => number = Date.now) {
    this.#now = now;
    this.#reseed(config.seed ?? NO_FAULTS.seed);
    this.apply(config);
  }

  /** The current settings. */
  get config(): FaultConfig {
    return this.#config;
  }

  /** Faults injected so far, by kind (a copy). */
  get counts(): FaultCounts {
    return { ...this.#counts };
  }

  /** True while a stall is in progress. */
  get stalled(): boolean {
    return this.#now() < this.#stallUntil;
  }

  /** Merges `patch` into the settings; a new `seed` restarts every stream; see the module doc for `stall`. */
  apply(patch: Partial<FaultConfig>): FaultConfig {
    this.#config = { ...this.#config, ...patch };
    if (patch.seed !== undefined) this.#reseed(patch.seed);
    if (patch.stall !== undefined || patch["stall-rate"] !== undefined) {
      const once = this.#config["stall-rate"] === 0 && this.#config.stall > 0;
      this.#stallUntil = once ? this.#now() + this.#config.stall : 0;
      if (once) this.#counts.stalls++;
    }
    return this.#config;
  }

  /** Per WS frame sent: cut this connection now? */
  dropConnection(): boolean {
    return this.#count("drops", this.#hit(this.#drop, this.#config.drop));
  }

  /** Per public push: is the feed stalled (possibly starting a stall now)? */
  feedStalled(): boolean {
    const now = this.#now();
    if (now < this.#stallUntil) return true;
    if (this.#config.stall > 0 && this.#hit(this.#stall, this.#config["stall-rate"])) {
      this.#stallUntil = now + this.#config.stall;
      this.#counts.stalls++;
      return true;
    }
    return false;
  }

  /** Per public push: send it truncated? */
  malformedFrame(): boolean {
    return this.#count("malformed", this.#hit(this.#malformed, this.#config.malformed));
  }

  /** Per public push: leave it out? */
  gapFrame(): boolean {
    return this.#count("gaps", this.#hit(this.#gap, this.#config.gap));
  }

  /** Per push: send it twice? */
  duplicateFrame(): boolean {
    return this.#count("duplicates", this.#hit(this.#duplicate, this.#config.duplicate));
  }

  /** Per REST call: one draw against timeout, then 5xx, then 429. */
  restFault(): RestFault {
    const c = this.#config;
    const total = c["rest-timeout"] + c["rest-5xx"] + c["rest-429"];
    if (total === 0) return null;
    const u = this.#rest.next();
    const fault: RestFault =
      u < c["rest-timeout"] ? "timeout" : u < c["rest-timeout"] + c["rest-5xx"] ? "5xx" : u < total ? "429" : null;
    if (fault !== null) this.#counts[fault === "timeout" ? "restTimeouts" : fault === "5xx" ? "rest5xx" : "rest429"]++;
    return fault;
  }

  #count(kind: keyof FaultCounts, hit: boolean): boolean {
    if (hit) this.#counts[kind]++;
    return hit;
  }

  #hit(stream: Stream, p: number): boolean {
    if (p <= 0) return false;
    return stream.next() < p;
  }

  #reseed(seed: number): void {
    this.#drop = new Stream(seed, "drop");
    this.#stall = new Stream(seed, "stall");
    this.#malformed = new Stream(seed, "malformed");
    this.#gap = new Stream(seed, "gap");
    this.#duplicate = new Stream(seed, "duplicate");
    this.#rest = new Stream(seed, "rest");
  }
}

/** A malformed copy of a frame: its first half, which is never valid JSON for an object push. */
export function truncateFrame(text: string): string {
  return text.slice(0, Math.max(1, text.length >> 1));
}

/** What the admin endpoint answers: HTTP status and a JSON body. */
export interface AdminReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The admin endpoint (no Bitget envelope, no auth; the venue listens on loopback only):
 * `GET /admin/faults` → the settings; `POST /admin/faults` with a JSON object of settings → merged,
 * then the settings; `POST /admin/drop` → cuts every WS connection now, `{"dropped": n}`.
 * Returns null for any other path.
 */
export function adminRoute(
  method: string,
  path: string,
  body: string,
  faults: Faults,
  dropAll: () => number,
): AdminReply | null {
  if (path === "/admin/drop") {
    if (method !== "POST") return { status: 405, body: { error: "use POST" } };
    return { status: 200, body: { dropped: dropAll() } };
  }
  if (path !== "/admin/faults") return null;
  if (method === "GET") return { status: 200, body: faults.config };
  if (method !== "POST") return { status: 405, body: { error: "use GET or POST" } };
  let input: unknown;
  try {
    input = body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return { status: 400, body: { error: "body is not JSON" } };
  }
  const parsed = validateFaultPatch(input);
  if (!parsed.ok) return { status: 400, body: { error: parsed.error } };
  return { status: 200, body: faults.apply(parsed.patch) };
}

/** Uniform [0, 1) numbers: splitmix32 seeded from the seed and a stream name (FNV-1a). */
class Stream {
  #s: number;

  constructor(seed: number, name: string) {
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (Math.floor(seed / 2 ** 32) | 0), 0x01000193);
    this.#s = h ^ Math.imul(seed | 0, 0x9e3779b1);
  }

  next(): number {
    this.#s = (this.#s + 0x9e3779b9) | 0;
    let z = this.#s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }
}
