/**
 * Notifier: the durable notification outbox, one per account (`NOTIFIER.getByName("notifier")`).
 * Agents, the Coordinator and the cron hand it events and never wait for a channel: `notify` only
 * routes, stores and arms the alarm; the alarm delivers (shared/notify/deliver.ts) off every trading
 * path. Crash-only: the outbox state is written after every change and rebuilt in the constructor.
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import { defaultConfig } from "../shared/config/config";
import type { NotificationsConfig } from "../shared/config/notify-schema";
import { type ChannelSecrets, configuredChannels } from "../shared/notify/channel-request";
import { deliverDue } from "../shared/notify/deliver";
import { type NotifyEvent, testMessage } from "../shared/notify/notify-event";
import { NotifyOutbox, type OutboxState } from "../shared/notify/notify-outbox";
import type { ChannelStatus, NotifierStatus } from "../shared/notify/notifier-status";
import { routeEvent } from "../shared/notify/route-event";
import type { WatchdogVerdict } from "../shared/notify/watchdog";
import { flattenEvent, type FlattenRecord } from "../shared/notify/auto-flatten";
import { watchdogEvents } from "../shared/notify/watchdog-events";
import { CHANNELS, type ChannelName } from "../shared/notify/render";
/** The Worker's bindings (declared globally by workers/env.ts, so this folder imports nothing from workers/). */
type Env = Cloudflare.Env;

const STATE_KEY = "outbox";
const WATCHDOG_KEY = "watchdog";
/** Auto-flattens kept for the dashboard. */
const FLATTENED_KEPT = 20;

/** The watchdog's last run, and since when each symbol with a problem has had it. */
interface WatchdogState {
  readonly at: number | null;
  readonly verdicts: readonly WatchdogVerdict[];
  readonly problemSince: Readonly<Record<string, number>>;
  /** The last auto-flattens, newest first (absent in states written before it existed). */
  readonly flattened?: readonly FlattenRecord[];
}

/** The channel secrets from the Worker's secrets. */
export function channelSecrets(env: Env): ChannelSecrets {
  return {
    telegramBotToken: env.TELEGRAM_BOT_TOKEN,
    telegramChatId: env.TELEGRAM_CHAT_ID,
    telegramApiUrl: env.TELEGRAM_API_URL,
    discordWebhookUrl: env.DISCORD_WEBHOOK_URL,
    webhookUrl: env.WEBHOOK_URL,
    webhookSecret: env.WEBHOOK_SECRET,
  };
}

/** The notification outbox Durable Object. */
export class Notifier extends DurableObject<Env> {
  private outbox = new NotifyOutbox();
  private watch: WatchdogState = { at: null, verdicts: [], problemSince: {} };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.watch = ctx.storage.kv.get<WatchdogState>(WATCHDOG_KEY) ?? this.watch;
      const saved = ctx.storage.kv.get<OutboxState>(STATE_KEY);
      if (!saved) return;
      try {
        this.outbox = NotifyOutbox.restore(saved);
      } catch (e) {
        // A state this code cannot read is replaced, not fatal: notifications must never brick anything.
        console.error(JSON.stringify({ event: "notifier_restore_failed", error: String(e) }));
      }
    });
  }

  /** RPC: queues events for the channels whose filters take them; answers at once. */
  async notify(events: readonly NotifyEvent[]): Promise<{ queued: number; duplicates: number }> {
    const settings = await this.routing();
    const configured = configuredChannels(channelSecrets(this.env));
    let queued = 0;
    let duplicates = 0;
    const now = Date.now();
    for (const event of events) {
      const r = this.outbox.enqueue(event, routeEvent(event, settings, configured), now);
      queued += r.queued;
      duplicates += r.duplicates;
    }
    await this.persist();
    return { queued, duplicates };
  }

  /** RPC: a test message to every configured channel (enabled or not: that is what the test is for). */
  async sendTest(): Promise<{ channels: ChannelName[] }> {
    const configured = configuredChannels(channelSecrets(this.env));
    const channels = CHANNELS.filter((c) => configured[c]);
    const now = Date.now();
    this.outbox.enqueue(testMessage(now, crypto.randomUUID()), channels, now);
    await this.persist();
    return { channels };
  }

  /** RPC: channels, the last deliveries and the totals. */
  async status(): Promise<NotifierStatus> {
    const settings = await this.routing();
    const configured = configuredChannels(channelSecrets(this.env));
    const one = (c: ChannelName): ChannelStatus => ({
      configured: configured[c],
      enabled: settings[c].enabled,
      events: settings[c].events,
    });
    const channels = { telegram: one("telegram"), discord: one("discord"), webhook: one("webhook") };
    return {
      channels,
      recent: this.outbox.recent(),
      stats: this.outbox.stats(),
      watchdog: { at: this.watch.at, verdicts: this.watch.verdicts, flattened: this.watch.flattened ?? [] },
    };
  }

  /**
   * RPC from the cron watchdog: keeps its verdicts and tells the operator when a symbol's verdict
   * turns bad (once per occurrence) and when it recovers; records and announces every auto-flatten.
   */
  async watchdog(
    verdicts: readonly WatchdogVerdict[],
    now: number,
    flattened: readonly FlattenRecord[] = [],
  ): Promise<{ alerts: number }> {
    const watched = watchdogEvents(verdicts, this.watch.problemSince, now);
    const events = [...watched.events, ...flattened.map(flattenEvent)];
    const kept = [...flattened, ...(this.watch.flattened ?? [])].slice(0, FLATTENED_KEPT);
    this.watch = { at: now, verdicts, problemSince: watched.problemSince, flattened: kept };
    this.ctx.storage.kv.put(WATCHDOG_KEY, this.watch);
    if (events.length > 0) await this.notify(events);
    return { alerts: events.length };
  }

  /** Delivers what is due, logs every failure with its channel, and re-arms. */
  override async alarm(): Promise<void> {
    try {
      const attempts = await deliverDue(this.outbox, {
        fetch: (url, init) => fetch(url, init),
        now: () => Date.now(),
        secrets: channelSecrets(this.env),
      });
      for (const a of attempts) {
        if (a.outcome.ok) continue;
        console.error(
          JSON.stringify({
            event: "notify_failed",
            channel: a.channel,
            batch: a.id,
            url: a.url,
            detail: a.outcome.detail,
          }),
        );
      }
    } finally {
      await this.persist();
    }
  }

  private async persist(): Promise<void> {
    this.ctx.storage.kv.put(STATE_KEY, this.outbox.getState());
    const next = this.outbox.nextWakeAt(Date.now());
    if (next === null) return;
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > next) await this.ctx.storage.setAlarm(next);
  }

  /**
   * The `notifications` section of the Coordinator's config, read each time so a change applies at
   * once. A Coordinator that cannot give its config (e.g. a stored config that no longer loads) must
   * not silence the operator exactly then: the defaults route the events, and the failure is logged
   * and counted in the Coordinator's background errors (`/api/portfolio`) when it still answers that.
   */
  private async routing(): Promise<NotificationsConfig> {
    const coordinator = this.env.COORDINATOR.getByName("portfolio");
    try {
      return (await coordinator.getConfig()).config.notifications;
    } catch (e) {
      const message = `the Coordinator's config did not load (${e instanceof Error ? e.message : String(e)}); default routing used`;
      console.error(JSON.stringify({ event: "notifier_routing_fallback", error: message }));
      await coordinator
        .recordBackgroundError("notifier routing", message)
        .catch((c: unknown) =>
          console.error(JSON.stringify({ event: "notifier_routing_fallback_uncounted", error: String(c) })),
        );
      return everyConfiguredChannel(defaultConfig().notifications);
    }
  }
}

/** The fallback routing: every channel on (those without secrets still send nothing), all kinds: when in doubt, tell. */
function everyConfiguredChannel(settings: NotificationsConfig): NotificationsConfig {
  const on = (c: ChannelName) => ({ ...settings[c], enabled: true });
  return { ...settings, telegram: on("telegram"), discord: on("discord"), webhook: on("webhook") };
}
