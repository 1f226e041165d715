/**
 * One delivery round: sends every batch the outbox says is due, each through its channel's request,
 * and records the answers. The shell hands in `fetch` and the clock; a channel that hangs costs at most
 * `timeoutMs`, and rounds run off the trading path (the Notifier's alarm), so no trade waits on them.
 * @module
 */
import { channelRequest, type ChannelSecrets, readAnswer } from "./channel-request";
import type { DeliveryOutcome, NotifyOutbox } from "./notify-outbox";
import type { ChannelName } from "./render";

/** What one batch's attempt came to (the shell logs failures). */
export interface DeliveryAttempt {
  readonly id: string;
  readonly channel: ChannelName;
  readonly events: number;
  readonly url: string;
  readonly outcome: DeliveryOutcome;
}

/** Ports of {@link deliverDue}. */
export interface DeliverPorts {
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly now: () => number;
  readonly secrets: ChannelSecrets;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

/** Sends the due batches, channels in parallel; settles each in the outbox. */
export async function deliverDue(outbox: NotifyOutbox, ports: DeliverPorts): Promise<DeliveryAttempt[]> {
  const batches = outbox.due(ports.now());
  return Promise.all(
    batches.map(async (batch): Promise<DeliveryAttempt> => {
      const built = await channelRequest(batch, ports.secrets);
      let outcome: DeliveryOutcome;
      let url = "(not configured)";
      if (!built.ok) outcome = { ok: false, permanent: true, detail: built.reason };
      else {
        url = built.request.redacted;
        outcome = await send(built.request, ports);
      }
      outbox.settle(batch.id, outcome, ports.now());
      return { id: batch.id, channel: batch.channel, events: batch.events.length, url, outcome };
    }),
  );
}

async function send(
  request: { url: string; headers: Readonly<Record<string, string>>; body: string },
  ports: DeliverPorts,
): Promise<DeliveryOutcome> {
  try {
    const res = await ports.fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(ports.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    return readAnswer(res.status, res.headers.get("retry-after"), text);
  } catch (e) {
    // Network failure or timeout: the message may or may not have arrived; resending is safe because
    // receivers dedup by key (at least once).
    return { ok: false, permanent: false, detail: `request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
