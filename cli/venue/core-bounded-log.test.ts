import { describe, expect, it } from "vitest";
import { BoundedLog } from "./core-bounded-log";

describe("BoundedLog", () => {
  it("returns at most capacity newest items, newest first, filtered", () => {
    const log = new BoundedLog<number>(3);
    for (let i = 1; i <= 10; i++) log.push(i);
    expect(log.newest(10)).toEqual([10, 9, 8]);
    expect(log.newest(10, (n) => n % 2 === 1)).toEqual([9]);
    expect(log.toArray()).toEqual([8, 9, 10]);
    expect(log.last()).toBe(10);
  });
});
