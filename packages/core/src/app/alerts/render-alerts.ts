import { bold, code, document, link, type Document, type Inline } from '../../document/index.js';
import type { WebhookAlert, WebhookPayload } from './webhook-payload.js';

/** Options of {@link renderAlertGroup}. */
export interface RenderAlertOptions {
  readonly timeZone: string;
  readonly locale?: string;
  /** Labels left out of the label list (shown elsewhere). */
  readonly hiddenLabels?: readonly string[];
  /** How many alerts to show in full (default 10; the rest are counted). */
  readonly maxAlerts?: number;
}

const ZERO_TIME = /^0001-01-01/;

function when(iso: string, options: RenderAlertOptions): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t) || ZERO_TIME.test(iso)) return '—';
  return new Intl.DateTimeFormat(options.locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: options.timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(new Date(t));
}

const SEVERITY_ICON: Readonly<Record<string, string>> = { critical: '🔴', error: '🔴', warning: '🟠', info: '🔵' };

/** The alert's severity label, or `unknown`. */
export function severityOf(alert: Pick<WebhookAlert, 'labels'>): string {
  return alert.labels['severity'] ?? 'unknown';
}

function safeHref(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

/**
 * Renders one Alertmanager notification: a heading with the state and the group, then per
 * alert its severity, summary, description, labels, start/end and links (to the source graph,
 * runbook and dashboard when annotated). Everything is data: renderers escape it.
 */
export function renderAlertGroup(payload: WebhookPayload, options: RenderAlertOptions): Document {
  const firing = payload.alerts.filter((a) => a.status === 'firing');
  const resolved = payload.alerts.filter((a) => a.status === 'resolved');
  const name = payload.commonLabels['alertname'] ?? payload.groupLabels['alertname'] ?? 'alerts';
  const allResolved = firing.length === 0;
  const doc = document().withTone(
    allResolved ? 'success' : firing.some((a) => ['critical', 'error'].includes(severityOf(a))) ? 'error' : 'warning',
  );
  doc.heading(
    allResolved ? `✅ RESOLVED: ${name}` : `🔥 FIRING${firing.length > 1 ? ` (${firing.length})` : ''}: ${name}`,
  );
  const hidden = new Set(['alertname', 'severity', ...(options.hiddenLabels ?? [])]);
  const max = options.maxAlerts ?? 10;
  const shown = [...firing, ...resolved].slice(0, max);
  for (const alert of shown) {
    const icon = alert.status === 'resolved' ? '✅' : (SEVERITY_ICON[severityOf(alert)] ?? '⚪');
    const summary = alert.annotations['summary'] ?? alert.labels['alertname'] ?? 'alert';
    doc.text([`${icon} `, bold(summary), ` (${severityOf(alert)}, ${alert.status})`]);
    if (alert.annotations['description']) doc.text(alert.annotations['description']);
    const labelText = Object.entries(alert.labels)
      .filter(([k]) => !hidden.has(k))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const fields = [
      { label: 'Started', value: when(alert.startsAt, options), inline: true },
      ...(alert.status === 'resolved' ? [{ label: 'Ended', value: when(alert.endsAt, options), inline: true }] : []),
      ...(labelText ? [{ label: 'Labels', value: [code(labelText)] }] : []),
      ...(alert.fingerprint ? [{ label: 'Fingerprint', value: [code(alert.fingerprint)], inline: true }] : []),
    ];
    doc.fields(fields);
    const links: Inline[] = [];
    for (const [text, url] of [
      ['source', alert.generatorURL],
      ['runbook', alert.annotations['runbook_url'] ?? ''],
      ['dashboard', alert.annotations['dashboard_url'] ?? ''],
    ] as const) {
      const href = safeHref(url);
      if (href === undefined) continue;
      if (links.length > 0) links.push(' · ');
      links.push(link(text, href));
    }
    if (links.length) doc.text(links);
  }
  const more = payload.alerts.length - shown.length + payload.truncatedAlerts;
  if (more > 0) doc.text(`…and ${more} more`);
  const silence = firing[0]?.fingerprint;
  doc.footer(
    `Alertmanager · ${payload.receiver}${silence && !allResolved ? ` · silence with !silence ${firing.length === 1 ? silence : name} 1h` : ''}`,
  );
  return doc;
}
