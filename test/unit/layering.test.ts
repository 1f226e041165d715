/**
 * Every import points down (design.md §2, style.md): the Worker wires the Durable Objects, the
 * Durable Objects wire the platform-free core, the core never reaches up, and inside the core the
 * strategy and the order path do not know the Bitget adapter. Read from the syntax tree of every
 * non-test source file; relative imports only (packages are the boundary test's business).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importsOf, typeScriptFiles } from "./import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FOLDERS = ["workers", "durable-objects", "shared", "cli", "dashboard"];

/** `from` (a folder prefix) must not import anything under `to`. */
const RULES: readonly { readonly from: string; readonly to: string; readonly why: string }[] = [
  { from: "shared/", to: "workers/", why: "the core does not know the Worker" },
  { from: "shared/", to: "durable-objects/", why: "the core does not know the Durable Objects" },
  { from: "shared/", to: "cli/", why: "the core does not know the CLI" },
  { from: "shared/", to: "dashboard/", why: "the core does not know the dashboard" },
  { from: "durable-objects/", to: "workers/", why: "the Durable Objects sit below the Worker" },
  { from: "durable-objects/", to: "cli/", why: "the Durable Objects do not know the CLI" },
  { from: "workers/", to: "cli/", why: "the Worker does not know the CLI" },
  { from: "shared/strategy/", to: "shared/exchange/", why: "the strategy does not know the exchange adapter" },
  { from: "shared/execution/", to: "shared/exchange/", why: "the order path does not know the exchange adapter" },
  { from: "shared/execution/", to: "shared/strategy/", why: "brokers do not know the strategy" },
  { from: "shared/runner/", to: "shared/exchange/", why: "the runner reaches the exchange only through its ports" },
  { from: "shared/runner/", to: "shared/backtest/", why: "the backtester drives the runner, not the other way" },
  { from: "shared/market/", to: "shared/strategy/", why: "market data does not know the strategy" },
  { from: "shared/indicators/", to: "shared/strategy/", why: "indicators do not know the strategy" },
];

/**
 * Import circles that predate this test (architecture review §1): each is named so that it cannot
 * grow silently, and removing one is progress the test records by failing until it is taken off.
 */
const KNOWN_CYCLES = new Set([
  "shared/indicators/feature-view.ts -> shared/indicators/symbol-features.ts",
  "shared/research/apply-params.ts -> shared/research/space.ts",
  "shared/risk/portfolio-types.ts -> shared/risk/portfolio.ts",
]);

/** Every non-test source file and the repository files it imports (relative imports, resolved). */
function graph(): Map<string, string[]> {
  const files = FOLDERS.flatMap((f) => typeScriptFiles(path.join(ROOT, f)))
    .map((full) => path.relative(ROOT, full).split(path.sep).join("/"))
    .filter((f) => !/\.test\.ts$|\/testing\/|\.d\.ts$/.test(f));
  const known = new Set(files);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const targets: string[] = [];
    for (const { specifier } of importsOf(readFileSync(path.join(ROOT, f), "utf8"), f)) {
      if (!specifier.startsWith(".")) continue;
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), specifier));
      const hit = [`${base}.ts`, `${base}/index.ts`, base].find((c) => known.has(c));
      if (hit) targets.push(hit);
    }
    g.set(f, targets);
  }
  return g;
}

/** Imports that break a rule: `file imports target (why)`. */
function ruleBreaks(g: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [f, targets] of g)
    for (const t of targets)
      for (const r of RULES) if (f.startsWith(r.from) && t.startsWith(r.to)) found.push(`${f} imports ${t} (${r.why})`);
  return found;
}

/** The import circles, each as its files sorted and joined (Tarjan's strongly connected components). */
function cycles(g: Map<string, string[]>): string[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) !== idx.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop() as string;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort().join(" -> "));
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out.sort();
}

describe("layering: every import points down", () => {
  const g = graph();

  it("reads the sources of every layer", () => {
    expect(g.has("shared/runner/symbol-runner.ts")).toBe(true);
    expect(g.has("durable-objects/symbol-agent.ts")).toBe(true);
    expect(g.has("workers/app.ts")).toBe(true);
    expect(g.get("shared/backtest/backtest.ts")).toContain("shared/runner/symbol-runner.ts");
  });

  it("breaks no layering rule", () => {
    expect(ruleBreaks(g)).toEqual([]);
  });

  it("has no import circle beyond the known ones, and every known one still exists", () => {
    const found = cycles(g);
    expect(found.filter((c) => !KNOWN_CYCLES.has(c))).toEqual([]);
    expect([...KNOWN_CYCLES].filter((c) => !found.includes(c))).toEqual([]);
  });

  it("finds a circle and a rule break in a made-up graph", () => {
    const made = new Map([
      ["shared/strategy/a.ts", ["shared/exchange/b.ts"]],
      ["shared/exchange/b.ts", ["shared/strategy/a.ts"]],
      ["workers/c.ts", ["durable-objects/d.ts"]],
    ]);
    expect(cycles(made)).toEqual(["shared/exchange/b.ts -> shared/strategy/a.ts"]);
    expect(ruleBreaks(made)).toEqual([
      "shared/strategy/a.ts imports shared/exchange/b.ts (the strategy does not know the exchange adapter)",
    ]);
  });
});
