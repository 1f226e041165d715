/**
 * The npm scripts that keep the code in shape (issue #15: "no formatter or linter; npm test and CI
 * don't typecheck"; "the demo would accept change-me as the API token"). CI runs `npm test`
 * (.ci/run), so what `npm test` runs is what CI enforces. Reads only package.json and biome.json,
 * so the same file runs on the commit the issue was filed against (docs/issue-evidence.md).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const scripts = (
  JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

describe("npm scripts", () => {
  it("make npm test typecheck and run the linter and formatter check before the tests", () => {
    expect(scripts.test.split(" && ")).toEqual(["npm run typecheck", "npm run lint", "vitest run"]);
    expect(scripts.typecheck).toBe("tsc --noEmit");
    expect(scripts.lint).toBe("biome ci .");
    expect(existsSync(path.join(ROOT, "biome.json"))).toBe(true);
  });

  it("check the API token before wrangler dev starts (the deploy's own check is cli/deploy.test.ts's)", () => {
    expect(scripts.dev.split(" && ")[0]).toBe("tsx cli/check-token.ts");
  });
});
