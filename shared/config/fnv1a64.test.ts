import { describe, expect, it } from "vitest";
import { fnv1a64 } from "./fnv1a64";

/** The definition, in BigInt: the reference the limb form must equal. */
function reference(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

describe("fnv1a64", () => {
  it("gives the published FNV-1a 64 values of ASCII strings", () => {
    expect(fnv1a64("")).toBe("cbf29ce484222325");
    expect(fnv1a64("a")).toBe("af63dc4c8601ec8c");
    expect(fnv1a64("foobar")).toBe("85944171f73967e8");
  });

  it("equals the BigInt definition on random strings of any code unit", () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let n = 0; n < 300; n++) {
      const len = next() % 200;
      let s = "";
      for (let i = 0; i < len; i++) s += String.fromCharCode(n % 3 === 0 ? next() % 0x10000 : 32 + (next() % 95));
      expect(fnv1a64(s)).toBe(reference(s));
    }
  });
});
