/**
 * SymbolAgent: one Durable Object per symbol, addressed by `SYMBOL_AGENT.getByName(symbol)`.
 * It will hold the feed socket and the strategy engine for its symbol; for now it only reports,
 * truthfully, that it is not running.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";

/** What a SymbolAgent reports about itself. */
export interface SymbolAgentStatus {
  role: "symbol-agent";
  /** The name the object was addressed by (`ctx.id.name`); `null` for ids not made from a name. */
  symbol: string | null;
  /** Whether it is consuming the feed and trading; always `false` until the engine is wired in. */
  running: false;
}

/** Per-symbol agent Durable Object (SQLite-backed). */
export class SymbolAgent extends DurableObject<Env> {
  /** RPC: current status. */
  async status(): Promise<SymbolAgentStatus> {
    return { role: "symbol-agent", symbol: this.ctx.id.name ?? null, running: false };
  }
}
