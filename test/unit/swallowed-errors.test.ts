/**
 * No swallowed errors in the shells (`workers/`, `durable-objects/`), the runner they drive
 * (`shared/runner/`) and the live broker (`bitget-broker.ts`): every caught error is looked at, and
 * then logged, counted, turned into a typed refusal or rethrown (issue #15). Read from the TypeScript
 * syntax tree:
 * - an empty `catch` block, or a `.catch()` handler with an empty body, drops the error;
 * - a `.catch(() => …)` handler without a parameter never sees the error;
 * - a `catch {` without a binding cannot log it, so each one is listed below with why it is a refusal;
 * - in the Worker (`workers/`), a handler that only logs is not enough: an operator reads counts, not
 *   logs, so a handler that logs must also count (`reportBackgroundError`, workers/background-errors.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { typeScriptFiles } from "./import-graph";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIRS = ["workers", "durable-objects", "shared/runner"];
/** Single files of the core under the same rule (the live broker: its reads feed reconciliation). */
const FILES = ["shared/exchange/bitget/bitget-broker.ts"];

/** `catch {` without a binding that are refusals of bad input, not swallowed failures: file → why. */
const BINDINGLESS_REFUSALS: Readonly<Record<string, string>> = {
  "workers/routes/trades.ts": "a cursor that does not decode is the client's error: null, answered 400",
  "workers/validation.ts": "malformed JSON is the client's error: answered 400",
};

/** Where a Worker handler may log without counting: the counter itself (it logs that the count failed). */
const LOGGED_ONLY: Readonly<Record<string, string>> = {
  "workers/background-errors.ts": "the Coordinator that counts is out of reach: logging is all that is left",
};

/** In `workers/`: handlers (catch blocks, `.catch` callbacks) that log with `console.*` but count nothing. */
function loggedNotCounted(source: string, file: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const check = (body: ts.Node) => {
    const text = body.getText(sf);
    if (/\bconsole\.(error|warn|log)\(/.test(text) && !/reportBackgroundError\(|\bthrow\b/.test(text))
      found.push(`${file}:${sf.getLineAndCharacterOfPosition(body.getStart()).line + 1} logged but not counted`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCatchClause(node)) check(node.block);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const handler = node.expression.name.text === "catch" ? node.arguments[0] : undefined;
      if (handler !== undefined && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler)))
        check(handler.body);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every swallowed error in `source`, as `file:line what`. */
function swallowedErrors(source: string, file: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, what: string) =>
    found.push(`${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1} ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isCatchClause(node)) {
      if (node.block.statements.length === 0) at(node, "empty catch block");
      else if (node.variableDeclaration === undefined && !(file in BINDINGLESS_REFUSALS))
        at(node, "catch without a binding (the error cannot be logged)");
    }
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "catch"
    ) {
      const handler = node.arguments[0];
      if (handler !== undefined && (ts.isArrowFunction(handler) || ts.isFunctionExpression(handler))) {
        if (handler.parameters.length === 0) at(node, ".catch handler that ignores the error");
        else if (ts.isBlock(handler.body) && handler.body.statements.length === 0) at(node, "empty .catch handler");
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe("errors in the shells and the runner", () => {
  it("are never swallowed: no empty catch, no .catch(() => …), no unlisted bindingless catch", () => {
    const files = [
      ...DIRS.flatMap((d) => typeScriptFiles(path.join(ROOT, d))),
      ...FILES.map((f) => path.join(ROOT, f)),
    ].filter((f) => !f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(30);
    const found = files.flatMap((f) => swallowedErrors(readFileSync(f, "utf8"), path.relative(ROOT, f)));
    expect(found).toEqual([]);
  });

  it("in the Worker are counted where an operator sees them, not only logged", () => {
    const files = typeScriptFiles(path.join(ROOT, "workers")).filter((f) => !f.endsWith(".test.ts"));
    const found = files
      .map((f) => [f, path.relative(ROOT, f)] as const)
      .filter(([, rel]) => !(rel in LOGGED_ONLY))
      .flatMap(([f, rel]) => loggedNotCounted(readFileSync(f, "utf8"), rel));
    expect(found).toEqual([]);
    for (const file of Object.keys(LOGGED_ONLY)) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it("tells a logged-only handler from a counted or rethrown one", () => {
    const source = [
      "p.catch((e) => console.error(e));",
      "try { a(); } catch (e) { console.warn(String(e)); }",
      "p.catch((e) => reportBackgroundError(env, 'x', e));",
      "try { a(); } catch (e) { console.error(e); throw e; }",
    ].join("\n");
    expect(loggedNotCounted(source, "w.ts")).toEqual([
      "w.ts:1 logged but not counted",
      "w.ts:2 logged but not counted",
    ]);
  });

  it("catches each way of swallowing (the check itself can fail)", () => {
    const source = [
      "try { a(); } catch {}",
      "try { a(); } catch (e) {}",
      "try { a(); } catch { return 0; }",
      "p.catch(() => {});",
      "p.catch(() => 0);",
      "p.catch((e) => {});",
      "p.catch((e) => log(e));",
      "try { a(); } catch (e) { log(e); }",
    ].join("\n");
    expect(swallowedErrors(source, "x.ts")).toEqual([
      "x.ts:1 empty catch block",
      "x.ts:2 empty catch block",
      "x.ts:3 catch without a binding (the error cannot be logged)",
      "x.ts:4 .catch handler that ignores the error",
      "x.ts:5 .catch handler that ignores the error",
      "x.ts:6 empty .catch handler",
    ]);
  });

  it("lists only bindingless catches that still exist", () => {
    for (const file of Object.keys(BINDINGLESS_REFUSALS))
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).toMatch(/catch \{/);
  });
});
