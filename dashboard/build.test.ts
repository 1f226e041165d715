import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDashboard, PUBLIC_DIR } from "./build";

describe("the committed dashboard assets", () => {
  it("are what dashboard/build.ts makes from the source (run `npx tsx dashboard/build.ts` after editing dashboard/)", async () => {
    const built = await buildDashboard();
    expect([...built.keys()].sort()).toEqual(["_headers", "app.css", "app.js", "favicon.svg", "index.html"]);
    for (const [name, text] of built)
      expect(readFileSync(join(PUBLIC_DIR, name), "utf8") === text, `public/${name} is stale`).toBe(true);
  });

  it("bundle uPlot and load nothing from another origin", async () => {
    const built = await buildDashboard();
    expect(built.get("app.js")?.includes("u-legend"), "app.js bundles uPlot").toBe(true);
    expect(built.get("index.html")).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(built.get("_headers")).toContain("script-src 'self'");
  });
});
