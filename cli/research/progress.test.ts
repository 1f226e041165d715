import { describe, expect, it } from "vitest";
import { progressBar, renderBar } from "./progress";

describe("progress bar", () => {
  it("fills in proportion to the work done", () => {
    expect(renderBar("optimize", 0, 10)).toBe(`optimize [${".".repeat(30)}] 0/10 0%`);
    expect(renderBar("optimize", 5, 10)).toBe(`optimize [${"#".repeat(15)}${".".repeat(15)}] 5/10 50%`);
    expect(renderBar("x", 10, 10)).toContain("10/10 100%");
  });

  it("draws nothing without a terminal, and ends the line at the last step", () => {
    expect(progressBar("x", undefined)).toBeUndefined();
    const out: string[] = [];
    const bar = progressBar("x", (t) => out.push(t))!;
    bar(1, 3);
    bar(2, 3);
    bar(3, 3);
    expect(out[0].startsWith("\r")).toBe(true);
    expect(out[out.length - 1].endsWith("3/3 100%\n")).toBe(true);
    expect(out.length).toBeLessThanOrEqual(3);
  });
});
