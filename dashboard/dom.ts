/**
 * A tiny DOM builder. Text always goes in as text nodes (never as HTML), so values from the API
 * cannot inject markup.
 * @module
 */

/** A child of {@link h}: a node, text (numbers are stringified), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of {@link h}: `class`, `data-*`, `aria-*` and other attributes as strings; booleans toggle. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element with attributes and children; text children become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children to a node; text children become text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `parent`. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The element with this `data-testid` or id; throws when the page lacks it (a build error, not a runtime case). */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.querySelector<T>(`[data-testid="${id}"]`) ?? document.getElementById(id);
  if (el === null) throw new Error(`the page has no element ${id}`);
  return el as T;
}
