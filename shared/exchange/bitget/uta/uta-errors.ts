/**
 * Classification of Bitget UTA (v3) REST failures into the client's {@link BitgetErrorKind}s
 * (bitget-uta-v3.md §2.10), and the v3 codes the broker maps to the port's refusals.
 * Differences from V2 that matter: `40010` means "request timed out" (the outcome of a placement is
 * unknown and must be looked up by clientOid), as do `40725` and `45001`; duplicate clientOid is
 * `25212`; not found `25204`.
 * @module
 */
import type { RejectCodes } from "../broker-outcomes";
import { type BitgetErrorKind, classifyBitgetFailure } from "../rest-errors";

/** A Classic key asking a v3 endpoint (`40084`), or "not the unified account mode" (`25245`). */
export const CLASSIC_ACCOUNT_CODES: ReadonlySet<string> = new Set(["40084", "25245"]);

const UTA_CODE_KINDS: ReadonlyMap<string, BitgetErrorKind> = new Map([
  ...codes("auth", "40001 40002 40003 40004 40005 40006 40008 40009 40011 40012 40014 40018 40037 25620 40084 25245"),
  ...codes("rateLimit", "429 1001 25004"),
  ...codes("insufficientBalance", "25202 25203 40762 25228 25231 40798 40800"),
  ...codes("duplicateClientOid", "25212"),
  ...codes("notFound", "25204 40768 43001 40109"),
  ...codes(
    "badParameter",
    "40007 40017 40019 40020 25207 25208 25610 25611 25244 25205 25206 25236 25237 25232 25574 25227 25225 25226 25211 40761 25229 25230 25235 25010",
  ),
  ...codes("timeout", "40010"),
  ...codes("server", "40725 45001 500 40015 40200"),
]);

/**
 * The kind of a v3 failure: the v3 code table first (outcome-unknown codes are `timeout`/`server`,
 * so placement looks the order up before any retry), then the V2 rules for status and the codes
 * both families share.
 */
export function classifyUtaFailure(status: number | null, code: string | null): BitgetErrorKind {
  const byCode = code === null ? undefined : UTA_CODE_KINDS.get(code);
  return byCode ?? classifyBitgetFailure(status, code);
}

/**
 * v3 codes behind the port's placement refusals: no position to reduce (`25227` no position,
 * `25225`/`25226` insufficient position, `25232`/`25574` reduce-only conflicts), below the minimum
 * (`25611`, `25207`), and the cancel of an order that is already done (none documented: v3 answers
 * "not found", `25204`, which the broker reads as unknown unless it knows the order).
 */
export const UTA_REJECT_CODES: RejectCodes = {
  noPosition: new Set(["25227", "25225", "25226", "25232", "25574"]),
  minimum: new Set(["25611", "25207"]),
  done: new Set(),
};

function codes(kind: BitgetErrorKind, list: string): [string, BitgetErrorKind][] {
  return list.split(" ").map((c) => [c, kind]);
}
