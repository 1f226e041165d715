import { describe, expect, it } from "vitest";
import { parseArgs } from "./args";

const spec = {
  data: { type: "list" },
  capital: { type: "number", min: 1 },
  json: { type: "boolean" },
  config: { type: "string" },
  seed: { type: "number", integer: true },
} as const;

describe("parseArgs", () => {
  it("reads lists, numbers, strings and booleans", () => {
    expect(parseArgs(["--data", "a.gz", "dir/", "--capital=500", "--json", "--config", "c.json"], spec)).toEqual({
      ok: true,
      flags: { data: ["a.gz", "dir/"], capital: 500, json: true, config: "c.json" },
    });
  });

  it.each([
    [["--nope"], /unknown flag --nope/],
    [["--capital", "abc"], /--capital must be a number, got "abc"/],
    [["--capital", "0"], /--capital must be >= 1/],
    [["--seed", "1.5"], /--seed must be an integer/],
    [["--config"], /--config needs a value/],
    [["--data"], /--data needs at least one value/],
    [["--json=yes"], /--json takes no value/],
    [["--capital", "1", "--capital", "2"], /--capital is given twice/],
    [["stray"], /unexpected argument "stray"/],
  ])("refuses %j, naming the flag", (argv, error) => {
    const r = parseArgs(argv, spec);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});
