import { describe, expect, it } from "vitest";
import { adminRoute, Faults, NO_FAULTS, parseFaultSpec, truncateFrame } from "./faults";

function draws(f: Faults, n: number, pick: (f: Faults) => unknown): unknown[] {
  return Array.from({ length: n }, () => pick(f));
}

describe("parseFaultSpec", () => {
  it("reads every documented key", () => {
    const r = parseFaultSpec(
      "drop=0.01,stall=5000,malformed=0.001,gap=0.001,duplicate=0.01,rest-timeout=0.05,rest-5xx=0.02,rest-429=0.02,seed=7",
    );
    expect(r).toEqual({
      ok: true,
      patch: {
        drop: 0.01,
        stall: 5000,
        malformed: 0.001,
        gap: 0.001,
        duplicate: 0.01,
        "rest-timeout": 0.05,
        "rest-5xx": 0.02,
        "rest-429": 0.02,
        seed: 7,
      },
    });
  });

  it("gives an empty patch for an empty spec", () => {
    expect(parseFaultSpec("")).toEqual({ ok: true, patch: {} });
  });

  it("names an unknown key", () => {
    const r = parseFaultSpec("drop=0.1,jitter=5");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/unknown fault jitter/);
  });

  it("refuses a probability above 1 and a value that is not a number", () => {
    expect(parseFaultSpec("drop=1.5").ok).toBe(false);
    expect(parseFaultSpec("gap=often").ok).toBe(false);
    expect(parseFaultSpec("seed=1.5").ok).toBe(false);
    expect(parseFaultSpec("drop").ok).toBe(false);
  });
});

describe("Faults", () => {
  it("never fires with the default settings", () => {
    const f = new Faults();
    expect(f.config).toEqual(NO_FAULTS);
    expect(
      draws(
        f,
        100,
        (x) => x.dropConnection() || x.malformedFrame() || x.gapFrame() || x.feedStalled() || x.restFault(),
      ),
    ).not.toContain(true);
    expect(draws(f, 10, (x) => x.restFault())).toEqual(new Array(10).fill(null));
  });

  it("always fires at rate 1", () => {
    const f = new Faults({ drop: 1, malformed: 1, gap: 1, "rest-5xx": 1 });
    expect(draws(f, 20, (x) => x.dropConnection() && x.malformedFrame() && x.gapFrame())).toEqual(
      new Array(20).fill(true),
    );
    expect(draws(f, 5, (x) => x.restFault())).toEqual(new Array(5).fill("5xx"));
  });

  it("makes the same decisions for the same seed and different ones for another seed", () => {
    const pick = (x: Faults) => x.dropConnection();
    const a = draws(new Faults({ drop: 0.3, seed: 7 }), 200, pick);
    const b = draws(new Faults({ drop: 0.3, seed: 7 }), 200, pick);
    const c = draws(new Faults({ drop: 0.3, seed: 8 }), 200, pick);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("fires at about the configured rate", () => {
    const hits = draws(new Faults({ gap: 0.2, seed: 3 }), 10_000, (x) => x.gapFrame()).filter(Boolean).length;
    expect(hits).toBeGreaterThan(1800);
    expect(hits).toBeLessThan(2200);
  });

  it("keeps one stream per kind, so another rate does not shift the drop decisions", () => {
    const a = new Faults({ drop: 0.3, seed: 5 });
    const b = new Faults({ drop: 0.3, gap: 0.5, seed: 5 });
    const seqA = draws(a, 100, (x) => x.dropConnection());
    const seqB = draws(b, 100, (x) => (x.gapFrame(), x.dropConnection()));
    expect(seqB).toEqual(seqA);
  });

  it("splits one REST draw into timeout, 5xx and 429 by their rates", () => {
    const f = new Faults({ "rest-timeout": 0.2, "rest-5xx": 0.3, "rest-429": 0.1, seed: 11 });
    const counts = { timeout: 0, "5xx": 0, "429": 0, none: 0 };
    for (let i = 0; i < 10_000; i++) counts[f.restFault() ?? "none"]++;
    expect(counts.timeout / 10_000).toBeCloseTo(0.2, 1);
    expect(counts["5xx"] / 10_000).toBeCloseTo(0.3, 1);
    expect(counts["429"] / 10_000).toBeCloseTo(0.1, 1);
    expect(counts.none / 10_000).toBeCloseTo(0.4, 1);
  });

  it("counts each fault it injects, by kind", () => {
    let now = 0;
    const f = new Faults({ drop: 1, gap: 1, duplicate: 1, "rest-5xx": 1 }, () => now);
    draws(f, 3, (x) => x.dropConnection());
    draws(f, 2, (x) => x.gapFrame());
    draws(f, 4, (x) => x.duplicateFrame());
    draws(f, 5, (x) => x.restFault());
    f.apply({ stall: 100 });
    now = 50;
    f.feedStalled();
    expect(f.counts).toEqual({
      drops: 3,
      stalls: 1,
      malformed: 0,
      gaps: 2,
      duplicates: 4,
      restTimeouts: 0,
      rest5xx: 5,
      rest429: 0,
    });
  });

  it("starts one stall when a stall length is applied without a rate, and ends it after that long", () => {
    let now = 1_000;
    const f = new Faults({}, () => now);
    expect(f.feedStalled()).toBe(false);
    f.apply({ stall: 5000 });
    expect(f.feedStalled()).toBe(true);
    now += 4999;
    expect(f.stalled).toBe(true);
    now += 1;
    expect(f.feedStalled()).toBe(false);
  });

  it("starts stalls at the per-push rate when one is set", () => {
    let now = 0;
    const f = new Faults({ stall: 100, "stall-rate": 1 }, () => now);
    expect(f.stalled).toBe(false);
    expect(f.feedStalled()).toBe(true);
    now = 50;
    expect(f.stalled).toBe(true);
  });
});

describe("truncateFrame", () => {
  it("cuts a push into text that is not JSON", () => {
    const text = JSON.stringify({ action: "update", arg: { channel: "trade" }, data: [1, 2, 3], ts: 1 });
    expect(() => JSON.parse(truncateFrame(text))).toThrow();
    expect(text.startsWith(truncateFrame(text))).toBe(true);
  });
});

describe("adminRoute", () => {
  it("merges posted settings and answers with all of them", () => {
    const f = new Faults();
    const r = adminRoute("POST", "/admin/faults", JSON.stringify({ "rest-429": 1, seed: 9 }), f, () => 0);
    expect(r?.status).toBe(200);
    expect(r?.body).toEqual({ ...NO_FAULTS, "rest-429": 1, seed: 9 });
    expect(f.restFault()).toBe("429");
  });

  it("refuses a bad setting without changing anything", () => {
    const f = new Faults({ drop: 0.5 });
    const r = adminRoute("POST", "/admin/faults", JSON.stringify({ drop: 2 }), f, () => 0);
    expect(r?.status).toBe(400);
    expect(f.config.drop).toBe(0.5);
    expect(adminRoute("POST", "/admin/faults", "{not json", f, () => 0)?.status).toBe(400);
  });

  it("drops every connection on POST /admin/drop", () => {
    let dropped = 0;
    const r = adminRoute("POST", "/admin/drop", "", new Faults(), () => (dropped = 3));
    expect(r).toEqual({ status: 200, body: { dropped: 3 } });
    expect(dropped).toBe(3);
  });

  it("answers GET /admin/faults and leaves other paths to the caller", () => {
    const f = new Faults({ gap: 0.25 });
    expect(adminRoute("GET", "/admin/faults", "", f, () => 0)?.body).toMatchObject({ gap: 0.25 });
    expect(adminRoute("GET", "/admin/other", "", f, () => 0)).toBeNull();
  });
});
