import { arg, defineCommand, type Command } from '../../commands/index.js';
import { code, document } from '../../document/index.js';
import { StatsError } from '../../errors/index.js';
import type { Session } from '../../sessions/index.js';
import type { AlertMessageStore } from './alert-messages.js';
import type { AlertmanagerClient, Matcher } from './alertmanager-client.js';

const FINGERPRINT = /^[0-9a-f]{16}$/;
const DURATION = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** Reads `30m`, `2h`, `1d` or `1w` as ms; `undefined` when malformed. */
export function parseSilenceDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Who may silence and for how long: the options of {@link createSilenceCommand} and {@link createAckCommand}. */
export interface SilencePolicy {
  /**
   * `ALERT_SILENCE_ALLOWED`: auth-service accounts (e-mail, case-insensitive, or subject id) and
   * chat users (`@alice:example.org`, or `platform:id` such as `telegram:12345`) who may silence
   * and acknowledge. Unset or empty: any logged-in user.
   */
  readonly allowed?: readonly string[] | undefined;
  /** `SILENCE_MAX_DURATION`: the longest silence, ms (default 24 hours). */
  readonly maxDurationMs?: number | undefined;
}

const DEFAULT_MAX_MS = 86_400_000;

/** Whether the policy lets this session (and chat user) create silences. */
export function maySilence(policy: SilencePolicy, session: Session): boolean {
  const allowed = policy.allowed;
  if (allowed === undefined || allowed.length === 0) return true;
  const email = session.account.email?.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.trim();
    return (
      (email !== undefined && e.toLowerCase() === email) ||
      e === session.account.id ||
      e === session.user.id ||
      e === `${session.user.platform}:${session.user.id}`
    );
  });
}

function requireAllowed(policy: SilencePolicy, session: Session): void {
  if (maySilence(policy, session)) return;
  throw new StatsError(
    'auth',
    'silence refused: not in ALERT_SILENCE_ALLOWED',
    'You may not silence or acknowledge alerts on this bot. Ask an operator to add your account to ALERT_SILENCE_ALLOWED.',
  );
}

/** `90 min`, `2 h`, `1 d`: a duration in the largest unit that divides it. */
function humanDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}

/** Who the silence is recorded for: the session account's e-mail, else name, else id. */
export function silenceAuthor(session: Session): string {
  return session.account.email ?? session.account.name ?? session.account.id;
}

async function matchersFor(target: string, client: AlertmanagerClient, signal: AbortSignal): Promise<Matcher[]> {
  if (FINGERPRINT.test(target)) {
    const alert = (await client.alerts({ signal })).find((a) => a.fingerprint === target);
    if (!alert)
      throw new StatsError(
        'bad_args',
        `no alert with fingerprint ${target}`,
        `No active alert has the fingerprint ${target}.`,
      );
    return Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  }
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(target)) {
    throw new StatsError(
      'bad_args',
      'bad alert name',
      'Give an alert name (e.g. HighLatency) or a 16-character fingerprint.',
    );
  }
  return [{ name: 'alertname', value: target, isRegex: false, isEqual: true }];
}

function confirmation(
  title: string,
  id: string,
  matchers: readonly Matcher[],
  endsAt: number,
  timeZone: string,
  by: string,
): ReturnType<typeof document> {
  const until = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(endsAt),
  );
  return document()
    .withTone('success')
    .heading(title)
    .fields([
      { label: 'Matchers', value: [code(matchers.map((m) => `${m.name}="${m.value}"`).join(', '))] },
      { label: 'Until', value: `${until} (${timeZone})`, inline: true },
      { label: 'By', value: by, inline: true },
      { label: 'Silence id', value: [code(id)] },
    ]);
}

/**
 * `!silence <alertname|fingerprint> <duration> [comment…]`: creates a silence in Alertmanager
 * as the logged-in user (`createdBy`). A fingerprint silences exactly that alert (all its
 * labels); a name silences every alert of that name. Only users the policy allows, for at most
 * its maximum duration (default 24 h).
 */
export function createSilenceCommand(client: AlertmanagerClient, policy: SilencePolicy = {}): Command {
  const maxMs = policy.maxDurationMs ?? DEFAULT_MAX_MS;
  return defineCommand({
    name: 'silence',
    summary: 'Silence an alert in Alertmanager',
    category: 'Alerts',
    auth: 'session',
    private: false,
    args: {
      alert: arg.string('alert name or fingerprint'),
      duration: arg.string('how long: 30m, 2h, 1d, 1w'),
      comment: arg.rest('why').optional(),
    },
    run: async (ctx) => {
      requireAllowed(policy, ctx.session);
      const ms = parseSilenceDuration(ctx.args.duration);
      if (ms === undefined || ms <= 0) {
        throw new StatsError(
          'bad_args',
          'bad duration',
          `The duration must look like 30m, 2h, 1d or 1w (at most ${humanDuration(maxMs)}).`,
        );
      }
      if (ms > maxMs) {
        throw new StatsError(
          'bad_args',
          'silence longer than SILENCE_MAX_DURATION',
          `A silence may last at most ${humanDuration(maxMs)} on this bot; ask for a shorter one.`,
        );
      }
      const matchers = await matchersFor(ctx.args.alert, client, ctx.signal);
      const by = silenceAuthor(ctx.session);
      const start = ctx.now();
      const id = await client.createSilence(
        {
          matchers,
          startsAt: new Date(start),
          endsAt: new Date(start + ms),
          createdBy: by,
          comment: ctx.args.comment ?? `Silenced from chat by ${by}`,
        },
        { signal: ctx.signal },
      );
      ctx.logger.info({ silence: id, alert: ctx.args.alert, ms }, 'silence created');
      return confirmation(`🔕 Silenced ${ctx.args.alert}`, id, matchers, start + ms, ctx.settings.timeZone, by);
    },
  });
}

/**
 * `!ack [alertname|fingerprint] [comment…]`: acknowledges an alert (the last alert group
 * posted in this room when none is named) with a short silence recorded as the logged-in
 * user, the way Alertmanager UIs such as karma acknowledge. `ackMs` defaults to 1 hour, capped
 * at the policy's maximum duration; only users the policy allows may acknowledge.
 */
export function createAckCommand(
  client: AlertmanagerClient,
  messages: AlertMessageStore,
  ackMs = 3_600_000,
  policy: SilencePolicy = {},
): Command {
  const ackFor = Math.min(ackMs, policy.maxDurationMs ?? DEFAULT_MAX_MS);
  return defineCommand({
    name: 'ack',
    summary: 'Acknowledge an alert (a short silence in your name)',
    category: 'Alerts',
    auth: 'session',
    private: false,
    args: { alert: arg.string('alert name or fingerprint').optional(), comment: arg.rest('note').optional() },
    run: async (ctx) => {
      requireAllowed(policy, ctx.session);
      let matchers: Matcher[];
      let name: string;
      if (ctx.args.alert !== undefined) {
        matchers = await matchersFor(ctx.args.alert, client, ctx.signal);
        name = ctx.args.alert;
      } else {
        const last = await messages.lastInRoom(`${ctx.message.platform}|${ctx.message.room.id}`);
        const labels = Object.entries(last?.commonLabels ?? {});
        if (labels.length === 0)
          throw new StatsError(
            'bad_args',
            'no alert to ack',
            'No firing alert was posted in this room; name one: !ack <alertname|fingerprint>.',
          );
        matchers = labels.map(([n, value]) => ({ name: n, value, isRegex: false, isEqual: true }));
        name = last?.commonLabels['alertname'] ?? 'the last alert';
      }
      const by = silenceAuthor(ctx.session);
      const start = ctx.now();
      const id = await client.createSilence(
        {
          matchers,
          startsAt: new Date(start),
          endsAt: new Date(start + ackFor),
          createdBy: by,
          comment: `ACK: ${ctx.args.comment ?? `acknowledged by ${by}`}`,
        },
        { signal: ctx.signal },
      );
      return confirmation(`👀 Acknowledged ${name}`, id, matchers, start + ackFor, ctx.settings.timeZone, by);
    },
  });
}
