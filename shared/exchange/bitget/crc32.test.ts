import { describe, expect, it } from "vitest";
import { CRC32_START, crc32, crc32Bytes, crc32Finish, crc32Update } from "./crc32";

describe("crc32", () => {
  it("gives the standard check value for 123456789", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
  });

  it("gives the well-known value for the quick brown fox and zero for the empty string", () => {
    expect(crc32("The quick brown fox jumps over the lazy dog")).toBe(0x414fa339);
    expect(crc32("")).toBe(0);
  });

  it("matches Bitget's book checksum vectors (bitget-v2.md §1.5) as signed 32-bit ints", () => {
    expect(crc32("43231.1:4:43232.8:9:43231:6:43232.9:8")).toBe(2790465500);
    expect(crc32("43231.1:4:43232.8:9:43231:6:43232.9:8") | 0).toBe(-1504501796);
    expect(crc32("3366.1:7:3366.8:9:3368:8:3372:8") | 0).toBe(831078360);
  });

  it("hashes multi-byte characters as their UTF-8 bytes", () => {
    const text = "é€𝄞 price:27000.5 ✓";
    expect(crc32(text)).toBe(crc32Bytes(new TextEncoder().encode(text)));
  });

  it("encodes a lone surrogate as U+FFFD like TextEncoder", () => {
    const text = "a\ud800b\udc00c";
    expect(crc32(text)).toBe(crc32Bytes(new TextEncoder().encode(text)));
  });

  it("gives the same result when the text is fed in pieces", () => {
    let reg = CRC32_START;
    for (const piece of ["43231.1", ":", "4", ":", "43232.8:9:43231:6:43232.9:8"]) reg = crc32Update(reg, piece);
    expect(crc32Finish(reg)).toBe(crc32("43231.1:4:43232.8:9:43231:6:43232.9:8"));
  });
});
