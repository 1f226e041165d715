/**
 * FNV-1a 64 over a string's UTF-16 code units, as 16 lowercase hex digits. The hash is kept in four
 * 16-bit limbs so that every product stays exact in a double: the BigInt form it replaces was the
 * largest cost of versioning a config, which the optimiser does for every trial.
 * @module
 */

/** FNV-1a 64 of `text`'s code units (each XORed in whole, as the BigInt form did). */
export function fnv1a64(text: string): string {
  // offset basis 0xcbf29ce484222325, low limb first
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // × prime 0x100000001b3 = 0x1b3 + (1 << 40): the 2^40 term shifts limbs 0 and 1 up to 2 and 3 by 8 bits
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + h0 * 0x100 + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + h1 * 0x100 + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

function hex4(limb: number): string {
  return limb.toString(16).padStart(4, "0");
}
