import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_TOKEN_LENGTH, ensureDevVars, exampleToken, tokenProblem } from "./api-token";

const STRONG = "k".repeat(MIN_TOKEN_LENGTH);

describe("the API token rules", () => {
  it("refuse the example's placeholder and anything shorter than 32 characters", () => {
    expect(exampleToken()).toBe("change-me");
    expect(tokenProblem("change-me")).toMatch(/placeholder from \.dev\.vars\.example/);
    expect(tokenProblem("k".repeat(MIN_TOKEN_LENGTH - 1))).toMatch(/31 characters; at least 32/);
    expect(tokenProblem(STRONG)).toBeNull();
  });

  it("write a random 43-character token into .dev.vars when it has none, readable by its owner only", () => {
    const path = join(mkdtempSync(join(tmpdir(), "token-")), ".dev.vars");
    writeFileSync(path, 'FEED_URL="ws://x"');
    const r = ensureDevVars(path, "change-me");
    expect(r.ok && r.created).toBe(true);
    const token = r.ok ? r.token : "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(path, "utf8")).toBe(`FEED_URL="ws://x"\nAPI_TOKEN="${token}"\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(ensureDevVars(path, "change-me")).toEqual({ ok: true, token, created: false });
  });

  it("refuse a weak token in .dev.vars, saying how to fix it, and leave the file alone", () => {
    const path = join(mkdtempSync(join(tmpdir(), "token-")), ".dev.vars");
    for (const weak of ["change-me", "short"]) {
      writeFileSync(path, `API_TOKEN="${weak}"\n`);
      const r = ensureDevVars(path, "change-me");
      expect(r.ok).toBe(false);
      expect(r.ok ? "" : r.reason).toMatch(/Delete its API_TOKEN line/);
      expect(readFileSync(path, "utf8")).toBe(`API_TOKEN="${weak}"\n`);
    }
  });
});
