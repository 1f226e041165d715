/**
 * The Coordinator's persistence over the Durable Object's synchronous KV storage (SQLite-backed).
 * Every write is synchronous, so a method that writes without awaiting anything in between is one
 * implicit transaction, and the output gate holds the RPC answer until it is durable.
 * @module
 */
import type { ReturnCorrelationState, SymbolReturnsState } from "../shared/risk/correlation";
import type { PortfolioState } from "../shared/risk/portfolio-types";
import type { ConfigAuditEntry, VersionedConfig } from "./contracts";

const KEY_CONFIG = "config";
const KEY_PORTFOLIO = "portfolio";
const KEY_SYMBOLS = "symbols";
const KEY_KILL_SWITCH = "killSwitch";
const KEY_CORR_META = "corr:meta";
const PREFIX_CORR_SYMBOL = "corr:sym:";
const KEY_AUDIT_SEQ = "audit:seq";
const PREFIX_AUDIT = "audit:e:";

/** The correlation state without its per-symbol rings (stored one key per symbol). */
export type CorrelationMeta = Omit<ReturnCorrelationState, "symbols">;

/** Typed access to the Coordinator's stored state. */
export class CoordinatorStore {
  private readonly kv: SyncKvStorage;

  constructor(kv: SyncKvStorage) {
    this.kv = kv;
  }

  /** The current config and version, if one was stored. */
  config(): VersionedConfig | undefined {
    return this.kv.get<VersionedConfig>(KEY_CONFIG);
  }

  /** Stores the current config. */
  saveConfig(config: VersionedConfig): void {
    this.kv.put(KEY_CONFIG, config);
  }

  /** The persisted portfolio rules, if any. */
  portfolio(): PortfolioState | undefined {
    return this.kv.get<PortfolioState>(KEY_PORTFOLIO);
  }

  /** Stores the portfolio rules' state. */
  savePortfolio(state: PortfolioState): void {
    this.kv.put(KEY_PORTFOLIO, state);
  }

  /** The persisted correlation state, if its metadata was stored. */
  correlation(): ReturnCorrelationState | undefined {
    const meta = this.kv.get<CorrelationMeta>(KEY_CORR_META);
    if (meta === undefined) return undefined;
    const symbols: Record<string, SymbolReturnsState> = {};
    for (const [key, value] of this.kv.list<SymbolReturnsState>({ prefix: PREFIX_CORR_SYMBOL }))
      symbols[key.slice(PREFIX_CORR_SYMBOL.length)] = value;
    return { ...meta, symbols };
  }

  /** Stores the correlation metadata and the rings of the given symbols only (the ones just fed). */
  saveCorrelation(state: ReturnCorrelationState, symbols: Iterable<string>): void {
    const { symbols: rings, ...meta } = state;
    this.kv.put(KEY_CORR_META, meta);
    for (const s of symbols) if (rings[s] !== undefined) this.kv.put(PREFIX_CORR_SYMBOL + s, rings[s]);
  }

  /** Deletes the correlation state (its sampling settings changed). */
  clearCorrelation(): void {
    this.kv.delete(KEY_CORR_META);
    for (const [key] of this.kv.list({ prefix: PREFIX_CORR_SYMBOL })) this.kv.delete(key);
  }

  /** Symbols and their enabled flags. */
  symbols(): Record<string, boolean> {
    return this.kv.get<Record<string, boolean>>(KEY_SYMBOLS) ?? {};
  }

  /** Stores the symbol list. */
  saveSymbols(symbols: Record<string, boolean>): void {
    this.kv.put(KEY_SYMBOLS, symbols);
  }

  /** Whether the kill switch is set. */
  killSwitch(): boolean {
    return this.kv.get<boolean>(KEY_KILL_SWITCH) ?? false;
  }

  /** Sets or clears the kill switch. */
  saveKillSwitch(on: boolean): void {
    this.kv.put(KEY_KILL_SWITCH, on);
  }

  /** Appends an audit entry (keys in insertion order). */
  appendAudit(entry: ConfigAuditEntry): void {
    const seq = (this.kv.get<number>(KEY_AUDIT_SEQ) ?? 0) + 1;
    this.kv.put(KEY_AUDIT_SEQ, seq);
    this.kv.put(PREFIX_AUDIT + String(seq).padStart(12, "0"), entry);
  }

  /** The latest `limit` audit entries, newest first. */
  audit(limit: number): ConfigAuditEntry[] {
    const out: ConfigAuditEntry[] = [];
    for (const [, entry] of this.kv.list<ConfigAuditEntry>({ prefix: PREFIX_AUDIT, reverse: true, limit }))
      out.push(entry);
    return out;
  }
}
