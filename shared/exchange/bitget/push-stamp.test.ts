import { describe, expect, it } from "vitest";
import { pushStamp } from "./push-stamp";

describe("pushStamp", () => {
  it("reads a V2 book push: the envelope ts, the item's seq, no pseq", () => {
    const push = { arg: {}, data: [{ seq: "1343064377779269632", ts: "1695716059000" }], ts: 1695716059516 };
    expect(pushStamp(push)).toEqual({ ts: 1695716059516, seq: 1343064377779269632n, pseq: null });
  });

  it("reads a v3 book push's pseq, and the item's ts when the envelope has none", () => {
    expect(pushStamp({ data: [{ seq: "12", pseq: "11", ts: "1695716059516" }] })).toEqual({
      ts: 1695716059516,
      seq: 12n,
      pseq: 11n,
    });
  });

  it("gives null for stamps that are absent or not numbers", () => {
    expect(pushStamp({ data: "x", ts: "soon" })).toEqual({ ts: null, seq: null, pseq: null });
    expect(pushStamp({ data: [{ seq: -1, pseq: "1e3", ts: 0 }] })).toEqual({ ts: null, seq: null, pseq: null });
  });
});
