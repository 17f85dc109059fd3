import { bold, code, document, link, type Document } from '../../document/index.js';
import type { Session, DeviceLogin } from '../../sessions/index.js';
import type { Formatter } from '../../reports/index.js';
import type { CreditBalance, CreditTransaction } from '../../sources/index.js';

/** Formats dates and numbers and translates texts for one bot (the reports' {@link Formatter}). */
export type ReportFormat = Pick<Formatter, 'locale' | 'timeZone' | 't'>;

const when = (ms: number, f: ReportFormat): string =>
  new Intl.DateTimeFormat(f.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: f.timeZone }).format(ms);
const num = (n: number, f: ReportFormat): string =>
  new Intl.NumberFormat(f.locale, { maximumFractionDigits: 2 }).format(n);

/** The answer to a successful login. Never shows a token. */
export function loggedInReport(session: Session, f: ReportFormat): Document {
  const who = session.account.email ?? session.account.name ?? session.account.id;
  return document()
    .withTone('success')
    .text([f.t('Logged in as '), bold(who), '.'])
    .text(f.t('Your session lasts until {when}.', { when: when(session.expiresAt, f) }));
}

/** The first answer of a device login: the link and the code to confirm (`again`: repeated for a second `login` while it waits). */
export function deviceLoginReport(login: DeviceLogin, f: ReportFormat, again = false): Document {
  const url = login.verificationUriComplete ?? login.verificationUri;
  const doc = document().heading(f.t('Log in'));
  if (again)
    doc.text(f.t('A login is already waiting for your confirmation: use this link and code (no new code was made).'));
  return doc.text([f.t('Open '), link(url, url), f.t(' and confirm the code '), code(login.userCode), '.']).text(
    f.t('The code is valid until {when}. I will tell you here once you have confirmed it.', {
      when: when(login.expiresAt, f),
    }),
  );
}

/** `status`: the account, the credits and the session's expiry. */
export function statusReport(
  session: Session,
  balance: CreditBalance | undefined,
  balanceProblem: string | undefined,
  f: ReportFormat,
): Document {
  const fields = [
    { label: f.t('E-mail'), value: session.account.email ?? '—' },
    ...(session.account.name !== undefined ? [{ label: f.t('Name'), value: session.account.name }] : []),
  ];
  if (balance !== undefined) {
    fields.push(
      { label: f.t('Credits'), value: num(balance.balance, f) },
      { label: f.t('Free credits left today'), value: num(balance.freeCreditsRemaining, f) },
      { label: f.t('Earned / spent'), value: `${num(balance.totalEarned, f)} / ${num(balance.totalSpent, f)}` },
    );
  } else {
    fields.push({
      label: f.t('Credits'),
      value: f.t('unavailable ({problem})', { problem: balanceProblem ?? f.t('unknown') }),
    });
  }
  fields.push({ label: f.t('Session ends'), value: when(session.expiresAt, f) });
  return document().heading(f.t('Account status')).fields(fields);
}

/** One row of `mystats`: the credits of one app and transaction type. */
export interface UsageRow {
  readonly appId: string;
  readonly type: string;
  readonly count: number;
  readonly amount: number;
}

/** Aggregates transactions since `since` (Unix ms) per app and type, largest use first. */
export function aggregateUsage(transactions: readonly CreditTransaction[], since: number): UsageRow[] {
  const rows = new Map<string, { appId: string; type: string; count: number; amount: number }>();
  for (const t of transactions) {
    const at = Date.parse(t.createdAt);
    if (Number.isNaN(at) || at < since) continue;
    const key = `${t.appId}\u0000${t.type}`;
    const row = rows.get(key) ?? { appId: t.appId, type: t.type, count: 0, amount: 0 };
    row.count += 1;
    row.amount += t.amount;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount) || a.appId.localeCompare(b.appId));
}

/** `mystats`: the user's credit use of the last 30 days per app and type. */
export function mystatsReport(session: Session, rows: readonly UsageRow[], f: ReportFormat): Document {
  const doc = document().heading(f.t('Your usage, last 30 days'));
  if (rows.length === 0)
    return doc
      .text(f.t('No credit transactions in the last 30 days.'))
      .footer(session.account.email ?? session.account.id);
  const total = rows.reduce((sum, r) => sum + r.amount, 0);
  const count = rows.reduce((sum, r) => sum + r.count, 0);
  return doc
    .table(
      [f.t('App'), f.t('Type'), f.t('Transactions'), f.t('Credits')],
      rows.map((r) => [r.appId, r.type, num(r.count, f), num(r.amount, f)]),
      ['left', 'left', 'right', 'right'],
    )
    .fields([
      { label: f.t('Transactions'), value: num(count, f), inline: true },
      { label: f.t('Credits, net'), value: num(total, f), inline: true },
    ])
    .footer(session.account.email ?? session.account.id);
}
