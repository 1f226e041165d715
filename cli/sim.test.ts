import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { simOptions } from "./sim";
import { DEFAULT_CREDENTIALS } from "./venue/server";
import { signedCall } from "./venue/test-client";

describe("npm run sim", () => {
  it("prints one ready line with the URLs, serves them, and stops on SIGTERM", async () => {
    const child = spawn("npx", ["tsx", "cli/sim.ts", "--port", "0", "--synthetic", "BTCUSDT,ETHUSDT", "--seed", "1"], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const group = -child.pid!;
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`sim exited ${code} before the ready line`)));
      });
      const ready = JSON.parse(line) as Record<string, unknown>;
      expect(ready).toMatchObject({ ready: true });
      expect(ready.wsPublic).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v2\/ws\/public$/);
      expect(ready.wsPrivate).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v2\/ws\/private$/);
      expect(ready.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${ready.rest}/api/v2/mix/market/contracts?productType=USDT-FUTURES`);
      expect(((await res.json()) as { data: { symbol: string }[] }).data.map((c) => c.symbol)).toEqual([
        "BTCUSDT",
        "ETHUSDT",
      ]);
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      process.kill(group, "SIGTERM");
      await exited;
      await expect(waitClosed(`${ready.rest}/api/v2/public/time`)).resolves.toBe(true);
    } finally {
      try {
        process.kill(group, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 30_000);

  it.each([
    ["uta", "/api/v2/mix/account/accounts", "40085"],
    ["classic", "/api/v3/account/assets", "40084"],
  ] as const)(
    "with --account-mode %s serves the key's own API family and refuses its private call %s with %s",
    async (mode, wrongPath, code) => {
      const child = spawn(
        "npx",
        ["tsx", "cli/sim.ts", "--port", "0", "--synthetic", "BTCUSDT", "--seed", "1", "--account-mode", mode],
        { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"], detached: true },
      );
      const group = -child.pid!;
      try {
        const line = await new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout! }).once("line", resolve);
          child.once("exit", (c) => reject(new Error(`sim exited ${c} before the ready line`)));
        });
        const ready = JSON.parse(line) as { rest: string; wsPublicV3: string; wsPrivateV3: string };
        expect(ready.wsPublicV3).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/ws\/public$/);
        expect(ready.wsPrivateV3).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/ws\/private$/);
        const probe = await signedCall(ready.rest, DEFAULT_CREDENTIALS, "GET", "/api/v3/account/settings");
        if (mode === "uta") expect(probe.body).toMatchObject({ code: "00000", data: { accountMode: "unified" } });
        else expect(probe.body).toMatchObject({ code: "40084" });
        const query = wrongPath.startsWith("/api/v2") ? "productType=USDT-FUTURES" : "";
        expect(await signedCall(ready.rest, DEFAULT_CREDENTIALS, "GET", wrongPath, { query })).toMatchObject({
          status: 400,
          body: { code },
        });
      } finally {
        try {
          process.kill(group, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
    30_000,
  );
});

/** True once nothing answers at `url` (polls for up to 5 s). */
async function waitClosed(url: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (!up) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("simOptions", () => {
  it("builds a synthetic venue on the demo credentials by default", async () => {
    const r = await simOptions([
      "--synthetic",
      "BTCUSDT, ETHUSDT",
      "--seed",
      "5",
      "--speed",
      "0",
      "--faults",
      "gap=0.5,seed=2",
    ]);
    expect(r).toEqual({
      ok: true,
      options: {
        port: 0,
        speed: 0,
        faults: { gap: 0.5, seed: 2 },
        startingBalance: undefined,
        accountMode: "classic",
        credentials: DEFAULT_CREDENTIALS,
        synthetic: { symbols: ["BTCUSDT", "ETHUSDT"], seed: 5 },
      },
    });
  });

  it("takes the credentials given, all three or none", async () => {
    const r = await simOptions(["--synthetic", "BTCUSDT", "--api-key", "k", "--api-secret", "s", "--passphrase", "p"]);
    expect(r.ok && r.options.credentials).toEqual({ apiKey: "k", apiSecret: "s", passphrase: "p" });
    const partial = await simOptions(["--synthetic", "BTCUSDT", "--api-key", "k"]);
    expect(partial).toMatchObject({ ok: false, error: expect.stringMatching(/all of --api-key/) });
  });

  it("gives the key the account mode asked for, classic by default, and refuses another mode", async () => {
    const uta = await simOptions(["--synthetic", "BTCUSDT", "--account-mode", "uta"]);
    expect(uta.ok && uta.options.accountMode).toBe("uta");
    expect(await simOptions(["--synthetic", "BTCUSDT", "--account-mode", "unified"])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--account-mode must be classic or uta, got unified/),
    });
  });

  it("wants exactly one market and a valid fault spec", async () => {
    expect(await simOptions([])).toMatchObject({ ok: false, error: expect.stringMatching(/exactly one/) });
    expect(await simOptions(["--synthetic", "BTCUSDT", "--recording", "a.gz"])).toMatchObject({ ok: false });
    expect(await simOptions(["--synthetic", "BTCUSDT", "--faults", "drop=2"])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--faults/),
    });
    expect(await simOptions(["--recording", "a.gz", "--seed", "1"])).toMatchObject({
      ok: false,
      error: expect.stringMatching(/--seed/),
    });
  });

  it("passes recording files through and refuses a negative speed", async () => {
    const r = await simOptions(["--recording", "a.jsonl.gz", "b.jsonl", "--speed", "50"]);
    expect(r.ok && r.options.recordings).toEqual(["a.jsonl.gz", "b.jsonl"]);
    expect(r.ok && r.options.speed).toBe(50);
    expect((await simOptions(["--recording", "a.gz", "--speed", "-1"])).ok).toBe(false);
  });
});
