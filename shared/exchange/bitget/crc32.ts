/**
 * CRC-32 (IEEE 802.3 / zlib polynomial, reflected 0xEDB88320), table-driven, over the UTF-8 bytes of
 * strings without allocating an encoded copy. Bitget's order-book checksum uses it (bitget-v2.md §1.5).
 * @module
 */

const TABLE = buildTable();

function buildTable(): Int32Array {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** The CRC register before any byte: all ones (as a signed 32-bit int). */
export const CRC32_START = -1;

/**
 * Feeds the UTF-8 encoding of `text` into a running CRC register and returns the new register.
 * Start from {@link CRC32_START}, finish with {@link crc32Finish}; feeding "ab" then "c" equals feeding "abc".
 * Lone surrogates are encoded as U+FFFD, as `TextEncoder` does.
 */
export function crc32Update(register: number, text: string): number {
  let crc = register;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      crc = TABLE[(crc ^ cp) & 0xff] ^ (crc >>> 8);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const lo = cp <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    crc = updateCodePoint(crc, cp);
  }
  return crc;
}

function updateCodePoint(crc: number, cp: number): number {
  if (cp < 0x800) {
    crc = updateByte(crc, 0xc0 | (cp >> 6));
  } else if (cp < 0x10000) {
    crc = updateByte(crc, 0xe0 | (cp >> 12));
    crc = updateByte(crc, 0x80 | ((cp >> 6) & 0x3f));
  } else {
    crc = updateByte(crc, 0xf0 | (cp >> 18));
    crc = updateByte(crc, 0x80 | ((cp >> 12) & 0x3f));
    crc = updateByte(crc, 0x80 | ((cp >> 6) & 0x3f));
  }
  return updateByte(crc, 0x80 | (cp & 0x3f));
}

function updateByte(crc: number, byte: number): number {
  return TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
}

/** Final XOR of a running register: the CRC-32 as an unsigned 32-bit integer (what zlib returns). */
export function crc32Finish(register: number): number {
  return (register ^ -1) >>> 0;
}

/** CRC-32 of the UTF-8 encoding of `text`, unsigned (zlib `crc32`). */
export function crc32(text: string): number {
  return crc32Finish(crc32Update(CRC32_START, text));
}

/** CRC-32 of raw bytes, unsigned (zlib `crc32`). */
export function crc32Bytes(bytes: Uint8Array): number {
  let crc = CRC32_START;
  for (let i = 0; i < bytes.length; i++) crc = updateByte(crc, bytes[i]);
  return crc32Finish(crc);
}
