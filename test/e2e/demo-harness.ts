/**
 * Starts the demo's stack in-process for the browser tests: the local venue with the demo's
 * synthetic market, and `wrangler dev` through cli/stack.ts, isolated from a user's own demo (a free
 * port, its own token, and D1 and Durable Object state in a fresh temporary folder, so halting here
 * never halts the user's local bot). The market plays 4× faster and the gates are opened further
 * than the demo's: TEST-ONLY settings that make a trade appear within about a minute; they say
 * nothing about the strategy.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_CONFIG, demoNotifications } from "../../cli/demo";
import { startStack, type Stack } from "../../cli/stack";
import { startVenue, type Venue } from "../../cli/venue/server";

/** Symbols the browser tests trade. */
export const E2E_SYMBOLS = ["BTCUSDT", "ETHUSDT", "SOLUSDT"] as const;

/** Venue replay speed of the browser tests (market time runs 4× the wall clock). */
export const E2E_SPEED = 4;

/** The demo config with gates opened further (test-only: trades within about a minute). */
export const E2E_CONFIG = {
  ...DEMO_CONFIG,
  gates: { ...DEMO_CONFIG.gates, minScore: 30, minAgreeing: 2, minVolumeRatio: 0.5, minExpectedMoveFeeMultiple: 1 },
};

/** A running stack and how to reach it. */
export interface E2eStack {
  readonly url: string;
  readonly token: string;
  /** Authorised JSON request to the Worker's API: the status and the parsed body (errors included). */
  api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops wrangler dev and the venue, and removes the temporary state. */
  close(): Promise<void>;
}

/**
 * Starts the venue, the stack with {@link E2E_CONFIG}, and the symbols. `devVars` stand for
 * `.dev.vars` lines (passed as bindings); the channels they configure are switched on as `npm run demo` does.
 */
export async function startE2eStack(devVars: Readonly<Record<string, string>> = {}): Promise<E2eStack> {
  const dir = mkdtempSync(join(tmpdir(), "edge-scalper-e2e-"));
  let venue: Venue | null = null;
  let stack: Stack | null = null;
  const close = async () => {
    await stack?.stop();
    await venue?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    venue = await startVenue({ synthetic: { symbols: E2E_SYMBOLS, seed: 1 }, speed: E2E_SPEED, log: () => {} });
    stack = await startStack({
      port: 0,
      feedUrl: venue.urls.wsPublic,
      persistTo: join(dir, "state"),
      config: { ...E2E_CONFIG, ...demoNotifications(devVars) },
      vars: devVars,
    });
    for (const s of E2E_SYMBOLS) await stack.api("POST", `/api/symbols/${s}/start`);
  } catch (e) {
    await close();
    throw e;
  }
  const { url, token } = stack;
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  return { url, token, api, close };
}
