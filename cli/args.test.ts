import { describe, expect, it } from "vitest";
import { captureIo } from "./io";
import { inputError, parseArgs, parseCliArgs, usageError } from "./args";

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

describe("parseCliArgs", () => {
  const cli = { name: "study", usage: "usage: npm run study -- --data <file>" };
  const withHelp = { ...spec, help: { type: "boolean" } } as const;

  it("gives the flags of a good command line and prints nothing", () => {
    const c = captureIo();
    const r = parseCliArgs(["--data", "a.gz", "--json"], withHelp, cli, c.io);
    expect(r).toEqual({ ok: true, flags: { data: ["a.gz"], json: true, help: false } });
    expect([...c.out, ...c.err]).toEqual([]);
  });

  it("prints the usage on stdout for --help and exits 0", () => {
    const c = captureIo();
    expect(parseCliArgs(["--help"], withHelp, cli, c.io)).toEqual({ ok: false, code: 0 });
    expect(c.out).toEqual([cli.usage]);
    expect(c.err).toEqual([]);
  });

  it("prints the error named by the CLI, then the usage, on stderr for a bad flag and exits 2", () => {
    const c = captureIo();
    expect(parseCliArgs(["--nope"], withHelp, cli, c.io)).toEqual({ ok: false, code: 2 });
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^study: unknown flag --nope .*\nusage: npm run study -- --data <file>$/s);
    expect(c.out).toEqual([]);
  });
});

describe("usageError and inputError", () => {
  const cli = { name: "study", usage: "usage: npm run study" };

  it("report on stderr under the CLI's name and return exit code 2; only a usage error repeats the usage", () => {
    const c = captureIo();
    expect(usageError(c.io, cli, "--data is required")).toBe(2);
    expect(inputError(c.io, cli, "a.gz: no such file")).toBe(2);
    expect(c.err).toEqual(["study: --data is required\nusage: npm run study", "study: a.gz: no such file"]);
  });
});
