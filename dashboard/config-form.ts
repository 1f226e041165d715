/**
 * The config form: one input per config leaf, grouped by section. Save sends a PATCH of the
 * changed fields only; the API validates it (the same rules as every other client) and a refusal
 * puts each issue's message beside its field. The form is rebuilt from the server only when it
 * has no unsaved edits, so a poll never throws away what the user is typing.
 * @module
 */
import type { Api } from "./api";
import { ApiFailure } from "./api";
import type { ConfigBody } from "./api-types";
import {
  buildPatch,
  configFields,
  GENERAL_SECTION,
  issueField,
  readField,
  sameJson,
  showField,
  type ConfigField,
  type SchemaNode,
} from "./config-fields";
import { fill, h } from "./dom";

/** The form's controller. */
export interface ConfigForm {
  /** Shows a config read from the API (ignored while the form has unsaved edits, unless `force`). */
  show(body: ConfigBody, force?: boolean): void;
  /** True while an input differs from the shown config. */
  dirty(): boolean;
}

type Input = HTMLInputElement | HTMLSelectElement;

interface Issue {
  readonly path: string;
  readonly message: string;
}

function inputFor(f: ConfigField): Input {
  const common = { name: f.path, id: `cfg-${f.path}`, "data-path": f.path, "aria-describedby": `cfg-err-${f.path}` };
  if (f.kind === "boolean") {
    const box = h("input", { ...common, type: "checkbox" });
    box.checked = f.value === true;
    return box;
  }
  if (f.kind === "enum") {
    const select = h("select", common, ...(f.options ?? []).map((o) => h("option", { value: o }, o)));
    select.value = String(f.value);
    return select;
  }
  const input = h("input", {
    ...common,
    type: f.kind === "number" ? "number" : "text",
    step: f.kind === "number" ? "any" : null,
    inputmode: f.kind === "number" ? "decimal" : null,
    spellcheck: "false",
    autocomplete: "off",
  });
  input.value = showField(f.kind, f.value);
  return input;
}

function rawOf(input: Input): string | boolean {
  return input instanceof HTMLInputElement && input.type === "checkbox" ? input.checked : input.value;
}

function sectionTitle(section: string): string {
  return section === GENERAL_SECTION ? "general" : section;
}

/** Creates the form inside `root` (the `config-form` region). */
export function createConfigForm(
  root: HTMLElement,
  api: Api,
  schema: () => SchemaNode | null,
  onSaved: (body: ConfigBody) => void,
): ConfigForm {
  let fields: ConfigField[] = [];
  const inputs = new Map<string, Input>();
  const errors = new Map<string, HTMLElement>();
  const sectionErrors = new Map<string, HTMLElement>();
  const formError = h("p", { class: "form-error", role: "alert", "data-testid": "config-error" });
  const status = h("span", { class: "form-status", role: "status", "data-testid": "config-status" });
  const versionLabel = h("span", { class: "muted" });
  const saveButton = h("button", { type: "submit", class: "primary", "data-testid": "config-save" }, "Save changes");
  const resetButton = h("button", { type: "button", "data-testid": "config-reset" }, "Discard edits");
  const body = h("div", { class: "config-sections" });
  const form = h(
    "form",
    { novalidate: true, autocomplete: "off" },
    h("div", { class: "form-bar" }, versionLabel, saveButton, resetButton, status),
    formError,
    body,
  );
  let shown: ConfigBody | null = null;
  fill(root, form);

  const clearIssues = () => {
    formError.textContent = "";
    for (const e of [...errors.values(), ...sectionErrors.values()]) e.textContent = "";
    for (const i of inputs.values()) i.removeAttribute("aria-invalid");
  };

  const showIssues = (issues: readonly Issue[]) => {
    const paths = fields.map((f) => f.path);
    const loose: string[] = [];
    for (const issue of issues) {
      const target = issueField(issue.path, paths);
      const text =
        target !== null && issue.path !== target
          ? `${issue.path.slice(target.length + 1)}: ${issue.message}`
          : issue.message;
      const slot = target !== null ? errors.get(target) : sectionErrors.get(issue.path);
      if (slot === undefined) {
        loose.push(`${issue.path || "config"}: ${issue.message}`);
        continue;
      }
      slot.textContent = slot.textContent ? `${slot.textContent}; ${text}` : text;
      if (target !== null) inputs.get(target)?.setAttribute("aria-invalid", "true");
    }
    formError.textContent =
      loose.length > 0 ? `Refused: ${loose.join("; ")}` : "The API refused the change; see the fields marked below.";
    const first = issues.map((i) => issueField(i.path, paths)).find((p) => p !== null);
    if (first) inputs.get(first)?.closest("details")?.setAttribute("open", "");
  };

  const render = (config: ConfigBody) => {
    shown = config;
    fields = configFields(config.config as unknown as Record<string, unknown>, schema());
    inputs.clear();
    errors.clear();
    sectionErrors.clear();
    versionLabel.textContent = `version ${config.version}`;
    const sections = new Map<string, HTMLElement>();
    for (const f of fields) {
      let section = sections.get(f.section);
      if (section === undefined) {
        const err = h("p", { class: "field-error", "data-error-for": f.section });
        sectionErrors.set(f.section, err);
        section = h("div", { class: "fields" });
        body.appendChild(
          h(
            "details",
            {
              class: "config-section",
              "data-section": f.section,
              open: f.section === "gates" || f.section === "exits",
            },
            h("summary", {}, sectionTitle(f.section)),
            err,
            section,
          ),
        );
        sections.set(f.section, section);
      }
      const input = inputFor(f);
      const err = h("span", { class: "field-error", id: `cfg-err-${f.path}`, "data-error-for": f.path });
      inputs.set(f.path, input);
      errors.set(f.path, err);
      section.appendChild(
        h(
          "div",
          { class: `field field-${f.kind}`, "data-field": f.path },
          h("label", { for: input.id }, f.label),
          input,
          f.hint ? h("span", { class: "hint" }, f.hint) : null,
          err,
        ),
      );
    }
  };

  const dirty = () =>
    fields.some((f) => {
      const input = inputs.get(f.path);
      if (input === undefined) return false;
      const r = readField(f.kind, rawOf(input));
      return !r.ok || !sameJson(r.value, f.value);
    });

  const show = (config: ConfigBody, force = false) => {
    if (!force && shown !== null && (shown.version === config.version || dirty())) {
      if (shown.version !== config.version)
        status.textContent = `The server has version ${config.version}; discard your edits to load it.`;
      return;
    }
    body.replaceChildren();
    render(config);
  };

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearIssues();
    const changes: { path: string; value: unknown }[] = [];
    const unreadable: Issue[] = [];
    for (const f of fields) {
      const r = readField(f.kind, rawOf(inputs.get(f.path) as Input));
      if (!r.ok) unreadable.push({ path: f.path, message: r.message });
      else if (!sameJson(r.value, f.value)) changes.push({ path: f.path, value: r.value });
    }
    if (unreadable.length > 0) return showIssues(unreadable);
    if (changes.length === 0) {
      status.textContent = "Nothing to save.";
      return;
    }
    saveButton.disabled = true;
    status.textContent = "Saving…";
    try {
      // Based on the version shown: if another client changed the config since, the API answers 412.
      const saved = await api.send<ConfigBody>("PATCH", "/api/config", buildPatch(changes), shown?.version);
      status.textContent = `Saved: version ${saved.version}.`;
      show(saved, true);
      onSaved(saved);
    } catch (err) {
      status.textContent = "Not saved.";
      if (err instanceof ApiFailure && err.status === 412)
        formError.textContent =
          "Not saved: the config was changed elsewhere since it was loaded. Reload it (your edits are kept here until then).";
      else if (err instanceof ApiFailure && Array.isArray(err.details)) showIssues(err.details as Issue[]);
      else formError.textContent = `Not saved: ${(err as Error).message}`;
    } finally {
      saveButton.disabled = false;
    }
  });

  resetButton.addEventListener("click", () => {
    clearIssues();
    status.textContent = "";
    if (shown !== null) show(shown, true);
  });

  return { show, dirty };
}
