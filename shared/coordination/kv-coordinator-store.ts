/**
 * {@link CoordinatorStorePort} over a synchronous key-value store (the Durable Object's SQLite-backed
 * `ctx.storage.kv`, or a Map in tests). The correlation rings are one key per symbol, so a price
 * report writes only its own symbol's ring; audit entries are keyed by a zero-padded sequence, so
 * listing the prefix in reverse gives the newest first.
 * @module
 */
import type { VersionedConfig } from "../config/versioned";
import type { ConfigAuditEntry } from "../risk/coordinator-types";
import type { ReturnCorrelationState, SymbolReturnsState } from "../risk/correlation";
import type { PortfolioState } from "../risk/portfolio-types";
import type { CoordinatorStorePort } from "./coordinator-store-port";

/** The synchronous key-value operations the store needs (a subset of workerd's `SyncKvStorage`). */
export interface SyncKv {
  get<T>(key: string): T | undefined;
  put<T>(key: string, value: T): void;
  delete(key: string): boolean;
  list<T>(options: { prefix: string; reverse?: boolean; limit?: number }): Iterable<[string, T]>;
}

const KEY_CONFIG = "config";
const KEY_PORTFOLIO = "portfolio";
const KEY_SYMBOLS = "symbols";
const KEY_KILL_SWITCH = "killSwitch";
const KEY_CORR_META = "corr:meta";
const PREFIX_CORR_SYMBOL = "corr:sym:";
const KEY_AUDIT_SEQ = "audit:seq";
const PREFIX_AUDIT = "audit:e:";

/** The Coordinator's stored state over `kv` (keys unchanged from the first Coordinator, so stored state carries over). */
export function kvCoordinatorStore(kv: SyncKv): CoordinatorStorePort {
  return {
    config: () => kv.get<VersionedConfig>(KEY_CONFIG),
    saveConfig: (config) => kv.put(KEY_CONFIG, config),
    portfolio: () => kv.get<PortfolioState>(KEY_PORTFOLIO),
    savePortfolio: (state) => kv.put(KEY_PORTFOLIO, state),
    correlation: () => {
      const meta = kv.get<Omit<ReturnCorrelationState, "symbols">>(KEY_CORR_META);
      if (meta === undefined) return undefined;
      const symbols: Record<string, SymbolReturnsState> = {};
      for (const [key, value] of kv.list<SymbolReturnsState>({ prefix: PREFIX_CORR_SYMBOL }))
        symbols[key.slice(PREFIX_CORR_SYMBOL.length)] = value;
      return { ...meta, symbols };
    },
    saveCorrelation: (state, symbols) => {
      const { symbols: rings, ...meta } = state;
      kv.put(KEY_CORR_META, meta);
      for (const s of symbols) if (rings[s] !== undefined) kv.put(PREFIX_CORR_SYMBOL + s, rings[s]);
    },
    clearCorrelation: () => {
      kv.delete(KEY_CORR_META);
      for (const [key] of [...kv.list({ prefix: PREFIX_CORR_SYMBOL })]) kv.delete(key);
    },
    symbols: () => kv.get<Record<string, boolean>>(KEY_SYMBOLS) ?? {},
    saveSymbols: (symbols) => kv.put(KEY_SYMBOLS, symbols),
    killSwitch: () => kv.get<boolean>(KEY_KILL_SWITCH) ?? false,
    saveKillSwitch: (on) => kv.put(KEY_KILL_SWITCH, on),
    appendAudit: (entry) => {
      const seq = (kv.get<number>(KEY_AUDIT_SEQ) ?? 0) + 1;
      kv.put(KEY_AUDIT_SEQ, seq);
      kv.put(PREFIX_AUDIT + String(seq).padStart(12, "0"), entry);
    },
    audit: (limit) => {
      const out: ConfigAuditEntry[] = [];
      for (const [, entry] of kv.list<ConfigAuditEntry>({ prefix: PREFIX_AUDIT, reverse: true, limit }))
        out.push(entry);
      return out;
    },
  };
}

/** An in-memory {@link SyncKv} (tests, tools): a Map listed in key order, JSON-copied like storage. */
export function memoryKv(): SyncKv & { readonly size: number } {
  const m = new Map<string, string>();
  return {
    get: <T>(key: string) => (m.has(key) ? (JSON.parse(m.get(key) as string) as T) : undefined),
    put: (key, value) => void m.set(key, JSON.stringify(value)),
    delete: (key) => m.delete(key),
    list: <T>(o: { prefix: string; reverse?: boolean; limit?: number }) => {
      const keys = [...m.keys()].filter((k) => k.startsWith(o.prefix)).sort();
      if (o.reverse) keys.reverse();
      return keys.slice(0, o.limit ?? keys.length).map((k) => [k, JSON.parse(m.get(k) as string) as T] as [string, T]);
    },
    get size() {
      return m.size;
    },
  };
}
