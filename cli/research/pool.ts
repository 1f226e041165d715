/**
 * A pool of `worker_threads` for the research tools. Each worker loads the recordings once (the
 * file list is passed, not the events) and then replays windows on request; tasks queue in order
 * and go to the first idle worker. Workers are TypeScript: each boots tsx's loader first, so the
 * pool works under `tsx`, `node --import tsx` and vitest alike.
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ReadOptions } from "../recording-file";
import type { ResearchTask, TaskResult } from "./tasks";

/** What each worker is started with. */
export interface WorkerInit {
  readonly files: readonly string[];
  readonly read: ReadOptions;
  readonly capital: number;
}

/** Options of {@link WorkerPool.start}. */
export interface PoolOptions extends WorkerInit {
  /** Threads; default `os.availableParallelism()`. */
  readonly size?: number;
}

interface Job {
  readonly id: number;
  readonly task: ResearchTask;
  readonly resolve: (r: TaskResult) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  /** Jobs posted to this worker, oldest (running) first. */
  readonly jobs: Job[];
}

/**
 * Jobs a worker may hold while the queue is long: the next one is already in its message queue
 * when it finishes, so it never waits for this thread (which shares the cores with the workers and
 * may be descheduled). Near the end of a batch, one at a time keeps the workers balanced.
 */
const DEPTH = 2;

const WORKER_URL = new URL("./worker.ts", import.meta.url).href;

/** Worker threads that replay windows of the same recordings. */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 0;
  private failure: Error | null = null;
  private closed = false;

  private constructor(workers: Worker[]) {
    this.slots = workers.map((worker) => ({ worker, jobs: [] }));
    for (const slot of this.slots) {
      slot.worker.on("message", (m: { id: number; ok: boolean; result?: TaskResult; error?: string }) =>
        this.settle(slot, m),
      );
      slot.worker.on("error", (e) => this.fail(e));
      slot.worker.on(
        "exit",
        (code) => this.closed || this.fail(new Error(`a research worker exited with code ${code}`)),
      );
    }
  }

  /** Starts `size` workers and waits until each has loaded the recordings. Rejects with the first worker's load error. */
  static async start(opts: PoolOptions): Promise<WorkerPool> {
    const size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    const init: WorkerInit = { files: [...opts.files], read: opts.read, capital: opts.capital };
    const workers = Array.from({ length: size }, () => spawn(init));
    try {
      await Promise.all(workers.map(ready));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new WorkerPool(workers);
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  /** Runs a task on the next idle worker. */
  run(task: ResearchTask): Promise<TaskResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("the worker pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker (pending tasks are rejected). */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("the worker pool is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    for (let depth = 1; depth <= DEPTH; depth++) {
      if (depth > 1 && this.queue.length < DEPTH * this.slots.length) return;
      for (const slot of this.slots) {
        if (slot.jobs.length >= depth) continue;
        const job = this.queue.shift();
        if (!job) return;
        slot.jobs.push(job);
        slot.worker.postMessage({ id: job.id, task: job.task });
      }
    }
  }

  private settle(slot: Slot, m: { id: number; ok: boolean; result?: TaskResult; error?: string }): void {
    const job = slot.jobs[0];
    if (job === undefined || job.id !== m.id) return;
    slot.jobs.shift();
    if (m.ok) job.resolve(m.result as TaskResult);
    else job.reject(new Error(`research worker: ${m.error}`));
    this.dispatch();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const slot of this.slots) for (const job of slot.jobs.splice(0)) job.reject(e);
    for (const job of this.queue.splice(0)) job.reject(e);
  }
}

/** A worker thread that registers tsx's loader, then imports ./worker.ts. */
function spawn(init: WorkerInit): Worker {
  const api = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;
  return new Worker(boot, { eval: true, execArgv: [], workerData: init });
}

function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { ready?: boolean; fatal?: string }) => {
      if (m.ready) done(resolve);
      else if (m.fatal !== undefined) done(() => reject(new Error(m.fatal)));
    };
    const onError = (e: Error) => done(() => reject(e));
    const onExit = (code: number) =>
      done(() => reject(new Error(`a research worker exited with code ${code} while loading`)));
    const done = (f: () => void) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      f();
    };
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}
