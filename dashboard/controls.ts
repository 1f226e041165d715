/**
 * Halt, resume and flatten, each behind a confirmation dialog (halt takes an optional reason).
 * The buttons follow the trading state: halt is offered while trading, resume while halted.
 * @module
 */
import type { Api } from "./api";
import type { FlattenResult } from "../shared/coordination/flatten-everywhere";
import type { PortfolioSnapshot } from "./api-types";
import { byTestId, fill, h } from "./dom";

/** An operator action. */
export type ControlAction = "halt" | "resume" | "flatten";

const TEXT: Readonly<Record<ControlAction, { title: string; body: string; confirm: string }>> = {
  halt: {
    title: "Halt trading?",
    body: "No new entries until you resume. Open positions keep their exits.",
    confirm: "Halt",
  },
  resume: {
    title: "Resume trading?",
    body: "Lifts an operator halt and the kill switch (a daily-loss halt lasts until the next UTC day).",
    confirm: "Resume",
  },
  flatten: {
    title: "Flatten everything?",
    body: "Kill switch: every open position exits at market now, and entries are refused until you resume.",
    confirm: "Flatten now",
  },
};

/**
 * One line on what the kill switch left open (a symbol still holding, or one nobody could answer for),
 * naming each; null when every symbol is flat.
 */
export function flattenLeftovers(results: readonly FlattenResult[] | undefined): string | null {
  const left = (results ?? []).filter((r) => r.outcome === "still_open" || r.outcome === "unknown");
  if (left.length === 0) return null;
  return `Flatten left ${left.length} symbol(s) open or unknown: ${left.map((r) => `${r.symbol} (${r.agent})`).join("; ")}`;
}

/** The controls' controller. */
export interface Controls {
  /** Enables the buttons that make sense in the current state. */
  sync(p: PortfolioSnapshot): void;
}

/** Wires the buttons and the dialog; `onDone` gets the snapshot the API answers. */
export function createControls(
  api: Api,
  onDone: (p: PortfolioSnapshot) => void,
  onError: (message: string) => void,
): Controls {
  const dialog = byTestId<HTMLDialogElement>("confirm-dialog");
  const buttons: Record<ControlAction, HTMLButtonElement> = {
    halt: byTestId<HTMLButtonElement>("halt-button"),
    resume: byTestId<HTMLButtonElement>("resume-button"),
    flatten: byTestId<HTMLButtonElement>("flatten-button"),
  };

  const ask = (action: ControlAction) => {
    const t = TEXT[action];
    const reason = h("input", {
      type: "text",
      maxlength: 200,
      placeholder: "reason (optional)",
      "data-testid": "halt-reason",
    });
    const ok = h(
      "button",
      { type: "button", class: action === "resume" ? "primary" : "danger", "data-testid": "confirm-ok" },
      t.confirm,
    );
    const cancel = h("button", { type: "button", "data-testid": "confirm-cancel" }, "Cancel");
    fill(
      dialog,
      h("h2", {}, t.title),
      h("p", {}, t.body),
      action === "halt" ? reason : null,
      h("div", { class: "dialog-buttons" }, cancel, ok),
    );
    cancel.addEventListener("click", () => dialog.close());
    ok.addEventListener("click", async () => {
      ok.disabled = true;
      try {
        const body =
          action === "halt" && reason.value.trim() !== ""
            ? { reason: reason.value.trim() }
            : action === "halt"
              ? {}
              : undefined;
        const answer = await api.send<PortfolioSnapshot & { flatten?: FlattenResult[] }>(
          "POST",
          `/api/control/${action}`,
          body,
        );
        onDone(answer);
        const left = flattenLeftovers(answer.flatten);
        if (left !== null) onError(left);
      } catch (err) {
        onError(`${t.confirm} failed: ${(err as Error).message}`);
      } finally {
        dialog.close();
      }
    });
    dialog.showModal();
    cancel.focus();
  };

  for (const action of Object.keys(buttons) as ControlAction[])
    buttons[action].addEventListener("click", () => ask(action));

  return {
    sync: (p) => {
      buttons.halt.disabled = p.tradingState === "HALTED";
      buttons.resume.disabled = p.tradingState === "ACTIVE" && !p.requiresFlatten;
    },
  };
}
