import { describe, expect, it } from "vitest";
import { describeAccountModeRefusal, detectAccountMode } from "./account-mode";
import {
  errorEnvelope,
  fakeClock,
  fakeFetch,
  hang,
  httpResponse,
  okEnvelope,
  type Responder,
  seededRandom,
} from "./testing/fake-rest";
import { settingsShape } from "./uta/testing/uta-shapes";
import { UtaRestClient } from "./uta/uta-rest-client";

const CREDS = { apiKey: "key-0001", apiSecret: "secret-do-not-leak", passphrase: "pass-do-not-leak" };

function probe(responder: Responder) {
  const clock = fakeClock();
  const { fetch, requests } = fakeFetch(responder);
  const client = new UtaRestClient({
    now: clock.now,
    sleep: clock.sleep,
    random: seededRandom(1),
    fetch,
    credentials: CREDS,
    timeoutMs: 20,
  });
  return { run: () => detectAccountMode(client), requests };
}

describe("detectAccountMode", () => {
  it("detects a unified account from 00000 and keeps its settings (hold mode)", async () => {
    const p = probe(() => okEnvelope(settingsShape({ holdMode: "hedge_mode" })));
    const r = await p.run();
    expect(r).toMatchObject({ ok: true, mode: "uta", settings: { accountMode: "unified", holdMode: "hedge_mode" } });
    expect(p.requests.map((q) => `${q.method} ${q.path}`)).toEqual(["GET /api/v3/account/settings"]);
  });

  it.each([
    ["40084", "You are in Classic Account mode, and the Unified Account API is not supported at this time"],
    ["25245", "The account is not the unified account mode"],
  ])("detects a Classic account from %s", async (code, msg) => {
    expect(await probe(() => errorEnvelope(400, code, msg)).run()).toEqual({ ok: true, mode: "classic" });
  });

  it.each([
    ["40006", "auth", "Invalid ACCESS_KEY"],
    ["40009", "auth", "sign signature error"],
    ["40012", "auth", "apikey/password is incorrect"],
    ["40085", "auth", "You are in Unified Account mode"],
  ])("refuses on %s with the exchange's code and message, never guessing", async (code, kind, msg) => {
    const r = await probe(() => errorEnvelope(400, code, msg)).run();
    expect(r).toEqual({ ok: false, refusal: { kind, code, status: 400, message: msg } });
  });

  it("refuses on a rate limit after the transport's retries", async () => {
    const p = probe(() => errorEnvelope(429, "429", "Too Many Requests"));
    const r = await p.run();
    expect(r).toMatchObject({ ok: false, refusal: { kind: "rateLimit", code: "429", status: 429 } });
    expect(p.requests.length).toBeGreaterThan(1);
  });

  it("refuses on a timeout with no code, and on an answer that is not a Bitget envelope", async () => {
    expect(await probe((_, signal) => hang(signal)).run()).toMatchObject({
      ok: false,
      refusal: { kind: "timeout", code: null, status: null },
    });
    expect(await probe(() => httpResponse(502, "<html>bad gateway</html>")).run()).toMatchObject({
      ok: false,
      refusal: { kind: "server", status: 502 },
    });
  });

  it("refuses an account still upgrading or switching", async () => {
    const r = await probe(() => okEnvelope(settingsShape({ accountMode: "upgrading" }))).run();
    expect(r).toMatchObject({ ok: false, refusal: { kind: "transition", code: "00000" } });
  });

  it("describes a refusal in one line with the code and message and no secret", async () => {
    const r = await probe(() => errorEnvelope(400, "40006", `Invalid ACCESS_KEY ${CREDS.passphrase}`)).run();
    if (r.ok) throw new Error("expected a refusal");
    const line = describeAccountModeRefusal(r.refusal, "demo");
    expect(line).toBe("demo trading refused: Bitget account mode unknown, code 40006: Invalid ACCESS_KEY ***");
    expect(line).not.toContain(CREDS.apiSecret);
  });
});
