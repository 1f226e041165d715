/**
 * Entry of a research worker thread (started by ./pool.ts): loads the recordings once, says
 * `ready`, then answers `{ id, task }` messages with `{ id, ok, result }` or `{ id, ok: false, error }`.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadEvents } from "./replay";
import { runTask, type ResearchTask, type TaskContext } from "./tasks";
import type { WorkerInit } from "./pool";

async function serve(): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const init = workerData as WorkerInit;
  let ctx: TaskContext;
  try {
    ctx = {
      events: await loadEvents(init.files, init.read),
      capital: init.capital,
      recorded: new Map(),
      windows: new Map(),
    };
  } catch (e) {
    port.postMessage({ fatal: e instanceof Error ? e.message : String(e) });
    return;
  }
  port.on("message", (m: { id: number; task: ResearchTask }) => {
    try {
      port.postMessage({ id: m.id, ok: true, result: runTask(ctx, m.task) });
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  });
  port.postMessage({ ready: true, events: ctx.events.length });
}

void serve();
