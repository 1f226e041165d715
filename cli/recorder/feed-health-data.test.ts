/**
 * The measurements behind the feed-health defaults (shared/exchange/bitget/feed-health.ts), on the DEV
 * recordings: reproduce with `npx vitest run --project unit cli/recorder/feed-health-data.test.ts`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CadenceWatch, DEFAULT_FEED_HEALTH } from "../../shared/exchange/bitget/feed-health";
import { seeded } from "../../shared/exchange/bitget/testing/fake-socket";

const recordings = resolve(import.meta.dirname, "../../../shared/data/recordings");
const have = existsSync(recordings);
if (!have) console.warn(`skipping the feed-health measurements: ${recordings} not found`);

/** Receive times per channel of one recording. */
function arrivals(file: string): Map<string, number[]> {
  const out = new Map<string, number[]>([["all", []]]);
  const lines = gunzipSync(readFileSync(file)).toString("utf8").split("\n").slice(1);
  for (const line of lines) {
    if (line === "") continue;
    const r = JSON.parse(line) as { t: number; m: { arg: { channel: string } } };
    const ch = r.m.arg.channel;
    if (!out.has(ch)) out.set(ch, []);
    out.get(ch)?.push(r.t);
    out.get("all")?.push(r.t);
  }
  return out;
}

const longest = (ts: number[]) => ts.reduce((m, t, i) => (i > 0 ? Math.max(m, t - ts[i - 1]) : m), 0);
const missed = (ts: number[]) => {
  const w = new CadenceWatch();
  return ts.reduce((n, t) => n + w.arrived(t), 0);
};

describe.skipIf(!have)("feed-health defaults measured on the DEV recordings", () => {
  const files = have ? readdirSync(recordings).filter((f) => f.endsWith(".jsonl.gz")) : [];
  const data = files.map((f) => ({ file: f, by: arrivals(join(recordings, f)) }));

  it("never goes 1/30 of staleDataMs without a push, nor staleDataMs without a trade", () => {
    for (const { by } of data) {
      expect(longest(by.get("all") ?? [])).toBeLessThanOrEqual(DEFAULT_FEED_HEALTH.staleDataMs / 30);
      expect(longest(by.get("trade") ?? [])).toBeLessThan(DEFAULT_FEED_HEALTH.staleDataMs);
    }
  });

  it("counts no missed books15 push on the clean files, and 95–100 % of those removed at random (5 %)", () => {
    for (const { by } of data) {
      const books = by.get("books15") ?? [];
      expect(books.length).toBeGreaterThan(3000);
      expect(missed(books)).toBe(0);
      const random = seeded(books.length);
      const kept = books.filter(() => random() >= 0.05);
      const removed = books.length - kept.length;
      expect(missed(kept)).toBeGreaterThanOrEqual(0.95 * removed);
      expect(missed(kept)).toBeLessThanOrEqual(removed);
    }
  });
});
