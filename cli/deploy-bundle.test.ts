/**
 * The README's deploy steps stay buildable: `wrangler deploy --dry-run` bundles the Worker from the
 * default (local) config and from the staging environment. No login or network: a dry run stops
 * before any upload.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const WRANGLER = resolve(ROOT, "node_modules/.bin/wrangler");

/** Runs `wrangler deploy --dry-run` with `extra` flags; the exit code, the output tail and the outdir. */
function dryRun(extra: readonly string[]): Promise<{ code: number | null; tail: string; outdir: string }> {
  const outdir = mkdtempSync(join(tmpdir(), "deploy-bundle-"));
  return new Promise((done, fail) => {
    const child = spawn(WRANGLER, ["deploy", "--dry-run", "--outdir", outdir, ...extra], {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (b) => {
      out += b;
    });
    child.stderr.on("data", (b) => {
      out += b;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, tail: out.slice(-2000), outdir }));
  });
}

describe("wrangler deploy --dry-run", () => {
  it.each([
    ["the default config", []],
    ["the staging environment", ["--env", "staging"]],
  ] as const)(
    "bundles %s with every binding",
    async (_label, extra) => {
      const r = await dryRun(extra);
      onTestFinished(() => rmSync(r.outdir, { recursive: true, force: true }));
      expect(r.code, r.tail).toBe(0);
      const bundle = join(r.outdir, "index.js");
      expect(existsSync(bundle)).toBe(true);
      expect(statSync(bundle).size).toBeGreaterThan(10_000);
      for (const binding of ["SYMBOL_AGENT", "COORDINATOR", "NOTIFIER", "env.DB"]) expect(r.tail).toContain(binding);
    },
    240_000,
  );
});
