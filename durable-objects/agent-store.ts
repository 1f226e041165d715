/**
 * The SymbolAgent's SQLite storage: named JSON state, the D1 outbox, the queue of Coordinator
 * calls still to deliver, and the order journal. Every method is synchronous, so writes made in one
 * turn (no `await` between them) commit together; {@link AgentStore.transaction} makes it explicit.
 * @module
 */
import type { AgentLoopStore } from "../shared/runner/agent-loop";
import type { QueuedCall, StoredCall } from "../shared/runner/call-queue";
import type { OutboxKind, OutboxRow } from "../shared/runner/outbox";
import { type JournalStatus, journalOver, type OrderJournal } from "../shared/runner/ports";

const SCHEMA = [
  "CREATE TABLE IF NOT EXISTS agent_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  "CREATE TABLE IF NOT EXISTS agent_outbox (id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS agent_calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, method TEXT NOT NULL, args TEXT NOT NULL, created_at INTEGER NOT NULL)",
  "CREATE TABLE IF NOT EXISTS agent_orders (seq INTEGER PRIMARY KEY AUTOINCREMENT, client_oid TEXT NOT NULL UNIQUE, request TEXT NOT NULL, status TEXT NOT NULL, detail TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
];

/** Finished orders kept in the journal (the oldest are pruned). */
const JOURNAL_KEEP = 500;

/** Synchronous repository over `ctx.storage` (SQLite-backed Durable Object). */
export class AgentStore implements AgentLoopStore {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    for (const q of SCHEMA) this.sql.exec(q);
  }

  /** Runs `body` as one SQLite transaction. */
  transaction<T>(body: () => T): T {
    return this.storage.transactionSync(body);
  }

  /** A named JSON value, or null. */
  get<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM agent_state WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  /** Writes a named JSON value (null deletes it). */
  put(key: string, value: unknown): void {
    if (value === null || value === undefined) this.sql.exec("DELETE FROM agent_state WHERE key = ?", key);
    else
      this.sql.exec(
        "INSERT INTO agent_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        key,
        JSON.stringify(value),
      );
  }

  /** Adds a ledger row to the outbox, keyed `kind:id` (a second add of the same key is ignored). */
  addOutbox(kind: OutboxKind, id: string, row: unknown, now = Date.now()): void {
    this.sql.exec(
      "INSERT OR IGNORE INTO agent_outbox (id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
      `${kind}:${id}`,
      kind,
      JSON.stringify(row),
      now,
    );
  }

  /** The oldest `limit` outbox rows. */
  outbox(limit: number): OutboxRow[] {
    return this.sql
      .exec<{ id: string; kind: OutboxKind; payload: string }>(
        "SELECT id, kind, payload FROM agent_outbox ORDER BY rowid LIMIT ?",
        limit,
      )
      .toArray();
  }

  /** Rows waiting for D1. */
  outboxCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM agent_outbox").one().n;
  }

  /** Deletes flushed rows. */
  deleteOutbox(ids: readonly string[]): void {
    for (const id of ids) this.sql.exec("DELETE FROM agent_outbox WHERE id = ?", id);
  }

  /** Queues a Coordinator call. */
  enqueueCall(call: QueuedCall, now = Date.now()): void {
    this.sql.exec(
      "INSERT INTO agent_calls (method, args, created_at) VALUES (?, ?, ?)",
      call.method,
      JSON.stringify(call.args),
      now,
    );
  }

  /** The oldest queued call, or null. */
  nextCall(): StoredCall | null {
    const row = this.sql
      .exec<{ seq: number; method: QueuedCall["method"]; args: string }>(
        "SELECT seq, method, args FROM agent_calls ORDER BY seq LIMIT 1",
      )
      .toArray()[0];
    return row ? ({ seq: row.seq, method: row.method, args: JSON.parse(row.args) } as StoredCall) : null;
  }

  /** Calls still to deliver. */
  callCount(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM agent_calls").one().n;
  }

  /** Removes a delivered call. */
  deleteCall(seq: number): void {
    this.sql.exec("DELETE FROM agent_calls WHERE seq = ?", seq);
  }

  /** Journals an order before it is sent. */
  journalOrder(clientOid: string, request: unknown, now: number): void {
    this.sql.exec(
      "INSERT INTO agent_orders (client_oid, request, status, created_at, updated_at) VALUES (?, ?, 'sending', ?, ?) ON CONFLICT(client_oid) DO UPDATE SET updated_at = excluded.updated_at",
      clientOid,
      JSON.stringify(request),
      now,
      now,
    );
  }

  /** Records what became of a journaled order. */
  journalStatus(clientOid: string, status: JournalStatus, detail: string | null, now: number): void {
    this.sql.exec(
      "UPDATE agent_orders SET status = ?, detail = ?, updated_at = ? WHERE client_oid = ?",
      status,
      detail,
      now,
      clientOid,
    );
  }

  /** The journal entry of an order, or null. */
  journalEntry(clientOid: string): { status: JournalStatus; detail: string | null; request: unknown } | null {
    const row = this.sql
      .exec<{ status: JournalStatus; detail: string | null; request: string }>(
        "SELECT status, detail, request FROM agent_orders WHERE client_oid = ?",
        clientOid,
      )
      .toArray()[0];
    return row ? { status: row.status, detail: row.detail, request: JSON.parse(row.request) } : null;
  }

  /** The journal as the runner's {@link OrderJournal} port (wall-clock times). */
  journal(): OrderJournal {
    return journalOver(this, Date.now);
  }

  /** Client ids of journaled orders still `sending` or `accepted`, oldest first. */
  journalInFlight(): string[] {
    return this.sql
      .exec<{ client_oid: string }>(
        "SELECT client_oid FROM agent_orders WHERE status IN ('sending', 'accepted') ORDER BY seq",
      )
      .toArray()
      .map((r) => r.client_oid);
  }

  /** Drops all but the newest {@link JOURNAL_KEEP} journal entries. */
  pruneJournal(): void {
    this.sql.exec("DELETE FROM agent_orders WHERE seq <= (SELECT MAX(seq) FROM agent_orders) - ?", JOURNAL_KEEP);
  }
}
