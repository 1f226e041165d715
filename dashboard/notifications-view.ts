/**
 * The Notifications panel: each channel (configured by secrets? enabled in the config?), the last
 * deliveries with their status, and the cron watchdog's last verdicts. Which events go where is edited
 * in the config form (`notifications`); the "send a test message" button is wired by main.ts.
 * @module
 */
import type { NotificationsBody } from "./api-types";
import { fill, h } from "./dom";
import { utcClock } from "./format";

/** Renders the panel's body into `el`. */
export function renderNotifications(el: HTMLElement, body: NotificationsBody): void {
  const channels = Object.entries(body.channels).map(([name, c]) =>
    h(
      "li",
      { "data-channel": name },
      h("strong", {}, name),
      ": ",
      c.configured ? "secrets set" : "no secrets",
      ", ",
      c.enabled ? `on (${c.events.length} kinds)` : "off",
    ),
  );
  const deliveries =
    body.recent.length === 0
      ? h("p", { class: "muted small" }, "No deliveries yet.")
      : h(
          "table",
          { "data-testid": "deliveries" },
          h("tr", {}, h("th", {}, "time (UTC)"), h("th", {}, "channel"), h("th", {}, "events"), h("th", {}, "status")),
          ...body.recent
            .slice(0, 10)
            .map((d) =>
              h(
                "tr",
                { "data-status": d.status },
                h("td", {}, utcClock(d.at)),
                h("td", {}, d.channel),
                h("td", {}, `${d.events} (${d.kinds.join(", ")})`),
                h("td", {}, d.detail ? `${d.status}: ${d.detail}` : d.status),
              ),
            ),
        );
  const verdicts =
    body.watchdog.verdicts.length === 0
      ? h("p", { class: "muted small" }, "The watchdog has not run yet.")
      : h(
          "ul",
          { "data-testid": "watchdog-verdicts" },
          ...body.watchdog.verdicts.map((v) =>
            h(
              "li",
              { "data-ok": String(v.ok) },
              h("strong", {}, v.symbol),
              `: ${v.status}`,
              v.ok ? "" : ` (${v.detail})`,
            ),
          ),
        );
  const flattened = body.watchdog.flattened ?? [];
  const flattens =
    flattened.length === 0
      ? ""
      : h(
          "ul",
          { "data-testid": "watchdog-flattened" },
          ...flattened.map((f) =>
            h(
              "li",
              { "data-outcome": f.outcome },
              `${utcClock(f.at)} `,
              h("strong", {}, f.symbol),
              ` auto-flatten ${f.outcome}: ${f.detail}`,
            ),
          ),
        );
  fill(
    el,
    h("ul", { class: "channels" }, ...channels),
    h("h3", {}, "Last deliveries"),
    deliveries,
    h("h3", {}, `Watchdog${body.watchdog.at === null ? "" : ` at ${utcClock(body.watchdog.at)} UTC`}`),
    verdicts,
    flattens,
    h(
      "p",
      { class: "muted small" },
      `sent ${body.stats.sent}, failed ${body.stats.failed}, expired ${body.stats.expired}, waiting ${body.stats.pending}`,
    ),
  );
}
