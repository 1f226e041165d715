/**
 * Coordinator: the portfolio Durable Object, one per account. It will own exposure and the
 * portfolio risk rules; for now it holds no state and only reports that it answers.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";

/** What the Coordinator reports about itself. */
export interface CoordinatorStatus {
  role: "coordinator";
  /** The object answers RPC; it tracks no positions or trading state yet. */
  ready: true;
}

/** Portfolio coordinator Durable Object (SQLite-backed). */
export class Coordinator extends DurableObject<Env> {
  /** RPC: current status. */
  async status(): Promise<CoordinatorStatus> {
    return { role: "coordinator", ready: true };
  }
}
