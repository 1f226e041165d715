import { describe, expect, it } from "vitest";
import { clearToken, readToken, storeToken, takeTokenFromUrl, TOKEN_KEY, type TokenStorage } from "./token";

function memoryStorage(): TokenStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

describe("takeTokenFromUrl", () => {
  it("takes the token and gives the address without it, keeping other parameters and the hash", () => {
    expect(takeTokenFromUrl("http://127.0.0.1:8787/?a=1&token=s3cret&b=2#trades")).toEqual({
      token: "s3cret",
      cleanUrl: "/?a=1&b=2#trades",
    });
  });

  it("leaves an address without a token as it is", () => {
    expect(takeTokenFromUrl("http://127.0.0.1:8787/?a=1")).toEqual({ token: null, cleanUrl: "/?a=1" });
    expect(takeTokenFromUrl("http://127.0.0.1:8787/")).toEqual({ token: null, cleanUrl: "/" });
  });

  it("removes an empty token parameter without taking it", () => {
    expect(takeTokenFromUrl("http://x/?token=")).toEqual({ token: null, cleanUrl: "/" });
  });

  it("decodes a percent-encoded token", () => {
    expect(takeTokenFromUrl("http://x/?token=a%2Bb").token).toBe("a+b");
  });
});

describe("the token in storage", () => {
  it("is stored under its key, read back, and forgotten", () => {
    const s = memoryStorage();
    expect(readToken(s)).toBeNull();
    storeToken(s, "t0k");
    expect(s.items.get(TOKEN_KEY)).toBe("t0k");
    expect(readToken(s)).toBe("t0k");
    clearToken(s);
    expect(readToken(s)).toBeNull();
  });
});
