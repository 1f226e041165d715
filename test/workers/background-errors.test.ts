/**
 * The Worker's own background failures are logged and counted where an operator sees them (#15):
 * `backgroundErrors` in `/api/portfolio`, kept by the Coordinator.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "./helpers";

interface Counts {
  count: number;
  last: string | null;
  lastAt: number | null;
}

async function backgroundErrors(): Promise<Counts> {
  const body = (await (await api("/api/portfolio")).json()) as { backgroundErrors?: Counts };
  if (!body.backgroundErrors) throw new Error("/api/portfolio has no backgroundErrors");
  return body.backgroundErrors;
}

describe("the Worker's background failures", () => {
  it("start at none", async () => {
    expect(await backgroundErrors()).toEqual({ count: 0, last: null, lastAt: null });
  });

  it("count a failed config audit mirror in /api/portfolio; the change itself still answers 200", async () => {
    const before = await backgroundErrors();
    // D1 without the table the mirror writes to: the mirror fails after the Coordinator accepted the change.
    await env.DB.exec("ALTER TABLE config_audit RENAME TO config_audit_away");
    try {
      const res = await api("/api/config", { method: "PATCH", body: { gates: { minScore: 93 } } });
      expect(res.status).toBe(200);
    } finally {
      await env.DB.exec("ALTER TABLE config_audit_away RENAME TO config_audit");
    }
    const after = await backgroundErrors();
    expect(after.count).toBe(before.count + 1);
    expect(after.last).toMatch(/^worker config audit mirror: .*config_audit/);
    expect(after.lastAt).toBeGreaterThan(Date.now() - 60_000);
  });
});
