/**
 * Coordinator: the portfolio Durable Object, one per account (`COORDINATOR.getByName("portfolio")`).
 * Wiring only: the policy is {@link CoordinatorCore} (shared/coordination); this object gives it
 * its SQLite-backed storage, the RPC surface, the agents' and the Notifier's stubs, the exchange for
 * the kill switch's direct close, and wall time. Crash-only: the core writes every change as it
 * happens and the constructor rebuilds it. No RPC awaits before its check-and-reserve, so the input
 * gate makes `requestEntry` atomic however many agents call at once.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { startEquityOf } from "../shared/config/settings";
import { type CoordinatorEffects, CoordinatorCore } from "../shared/coordination/coordinator-core";
import { type FlattenResult, flattenInMode } from "../shared/coordination/flatten-everywhere";
import { kvCoordinatorStore } from "../shared/coordination/kv-coordinator-store";
import { BackgroundErrorBook, type BackgroundErrors } from "../shared/coordination/background-errors";
import type {
  CloseReport,
  CloseResult,
  ConfirmResult,
  EntryDecision,
  EntryFill,
  EntryRequest,
  PortfolioSnapshot,
} from "../shared/risk/portfolio-types";
import { NotifySender } from "../shared/notify/notify-sender";
import { callAgents } from "./agent-rpc";
import type {
  ConfigAuditEntry,
  ConfigChange,
  CoordinatorApi,
  FlattenAnswer,
  PriceReportAnswer,
  SymbolEntry,
  VersionedConfig,
} from "../shared/coordination/rpc-contracts";
import { openExchangeCloser } from "./exchange-closer";
import { WRITE_BEHIND_MS } from "../shared/runner/write-behind-delay";

/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;

/** Portfolio coordinator Durable Object (SQLite-backed), implementing {@link CoordinatorApi}. */
export class Coordinator extends DurableObject<Env> implements CoordinatorApi {
  private core!: CoordinatorCore;
  private readonly notices: NotifySender;
  private readonly errors: BackgroundErrorBook;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.errors = new BackgroundErrorBook(ctx.storage.kv, { now: Date.now, log: (line) => console.warn(line) });
    this.notices = new NotifySender({
      notifier: () => env.NOTIFIER.getByName("notifier"),
      onError: (what, e) => this.errors.note(`coordinator ${what}`, e),
      defer: (fn) => setTimeout(fn, 0),
    });
    const store = kvCoordinatorStore(ctx.storage.kv);
    void ctx.blockConcurrencyWhile(async () => {
      this.core = new CoordinatorCore(store, this.effects(), startEquityOf(env.START_EQUITY));
    });
  }

  async requestEntry(req: EntryRequest): Promise<EntryDecision> {
    return this.core.requestEntry(req);
  }

  async confirmOpen(reservationId: string, fill: EntryFill): Promise<ConfirmResult> {
    return this.core.confirmOpen(reservationId, fill);
  }

  async releaseReservation(reservationId: string): Promise<boolean> {
    return this.core.releaseReservation(reservationId);
  }

  async syncPosition(symbol: string, position: EntryFill): Promise<ConfirmResult> {
    return this.core.syncPosition(symbol, position);
  }

  async reportClose(symbol: string, report: CloseReport): Promise<CloseResult> {
    return this.core.reportClose(symbol, report);
  }

  async reportPrices(symbol: string, points: readonly { ts: number; price: number }[]): Promise<PriceReportAnswer> {
    return this.core.reportPrices(symbol, points);
  }

  /** RPC: the current config; throws while the stored config does not load (nothing may run on it). */
  async getConfig(): Promise<VersionedConfig> {
    const config = this.core.config();
    if (config === null) throw new Error(this.core.configProblem() ?? "the stored config does not load");
    return config;
  }

  async configState(): Promise<VersionedConfig & { error: string | null }> {
    return this.core.configState();
  }

  async putConfig(input: unknown, expectedVersion?: string): Promise<ConfigChange> {
    return this.core.changeConfig("put", input, expectedVersion, Date.now());
  }

  async patchConfig(patch: unknown, expectedVersion?: string): Promise<ConfigChange> {
    return this.core.changeConfig("patch", patch, expectedVersion, Date.now());
  }

  async configAudit(limit: number): Promise<ConfigAuditEntry[]> {
    return this.core.configAudit(limit);
  }

  async halt(reason: string): Promise<PortfolioSnapshot> {
    return this.core.halt(reason);
  }

  async resume(): Promise<PortfolioSnapshot> {
    return this.core.resume();
  }

  /** RPC, kill switch: answers once every symbol answered, with the snapshot after and one result per symbol. */
  async flatten(): Promise<FlattenAnswer> {
    const results = await this.flattenAll(this.core.engageKillSwitch(), "flatten");
    return { ...this.core.portfolio(), flatten: results };
  }

  async portfolio(): Promise<PortfolioSnapshot & { configError: string | null; backgroundErrors: BackgroundErrors }> {
    return { ...this.core.portfolio(), backgroundErrors: this.errors.get() };
  }

  /** RPC: a background step of the Worker failed (it logged it with context); counted here, shown in the portfolio. */
  async recordBackgroundError(what: string, message: string): Promise<BackgroundErrors> {
    return this.errors.note(what, message);
  }

  async symbols(): Promise<SymbolEntry[]> {
    return this.core.symbols();
  }

  async setSymbolEnabled(symbol: string, enabled: boolean): Promise<SymbolEntry[]> {
    return this.core.setSymbolEnabled(symbol, enabled);
  }

  private effects(): CoordinatorEffects {
    return {
      flattenAgents: (reason) => this.ctx.waitUntil(this.flattenAll(this.core.flattenTargets(), reason)),
      pushConfig: (version) => this.ctx.waitUntil(this.pushConfig(version)),
      announce: (events) => this.notices.send(events),
      configLoadFailed: (reason) => console.error(JSON.stringify({ event: "coordinator_config_load_failed", reason })),
      later: (write) => void setTimeout(() => this.errors.guard("coordinator portfolio write", write), WRITE_BEHIND_MS),
    };
  }

  /** Every target's agent exits; in live or demo mode what the exchange still holds is closed there. */
  private flattenAll(targets: string[], reason: "flatten" | "daily_loss_flatten"): Promise<FlattenResult[]> {
    return flattenInMode({
      targets,
      reason,
      mode: this.core.configState().config?.mode,
      flattenAgents: (symbols) => callAgents(this.env, symbols, "flatten", (a) => a.flatten(reason)),
      exchange: (trading) => openExchangeCloser(this.env, trading),
      log: (event, fields) => console.warn(JSON.stringify({ event, ...fields })),
    });
  }

  private async pushConfig(version: string): Promise<void> {
    const outcomes = await callAgents(this.env, this.core.enabledSymbols(), "updateConfig", (a) =>
      a.updateConfig(version),
    );
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) this.errors.note("coordinator config push", JSON.stringify(failed));
  }
}
