import { createHash } from 'node:crypto';
import { escapeHtml } from '../../document/index.js';
import type { StatusSnapshot } from './status-model.js';

// One inline style block, allowed by its hash in the CSP; no script anywhere.
const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
p.meta{color:#57606a;margin:0}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{font-weight:600;background:#f6f8fa}.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.muted{color:#57606a}form{margin-top:1rem}input{font:inherit;padding:.35rem;width:22rem;max-width:100%}
button{font:inherit;padding:.35rem .9rem}`;

/** The CSP hash of the page's one style block. */
export const STATUS_STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

const e = (value: string | number): string => escapeHtml(String(value));

function time(ms: number | undefined, timeZone: string): string {
  if (ms === undefined) return '<span class="muted">never</span>';
  const text = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(ms),
  );
  return `<time datetime="${e(new Date(ms).toISOString())}">${e(text)}</time>`;
}

function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min ${s % 60} s`;
}

function table(headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${e(empty)}</p>`;
  const head = headers.map((h) => `<th scope="col">${e(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${e(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body></html>
`;
}

/**
 * Renders the status page: server-side HTML that needs no script, every value escaped, every
 * time in the bot's time zone.
 */
export function renderStatusPage(s: StatusSnapshot): string {
  const tz = s.timeZone;
  const adapters = table(
    ['Platform', 'State', 'Last command', 'Last sync', 'Last error'],
    s.adapters.map((a) => [
      e(a.platform),
      a.connected ? '<span class="ok">connected</span>' : '<span class="bad">disconnected</span>',
      time(a.lastEventAt, tz),
      a.lastSyncAt === undefined ? '<span class="muted">—</span>' : time(a.lastSyncAt, tz),
      a.lastError ? `${e(a.lastError.code)} at ${time(a.lastError.at, tz)}` : '<span class="muted">none</span>',
    ]),
    'No adapters.',
  );
  const schedules = table(
    ['Schedule', 'Cron', 'Next run', 'Delivers to'],
    s.schedules.map((x) => [
      e(x.id),
      `<code>${e(x.cron)}</code> <span class="muted">${e(x.timeZone)}</span>`,
      time(x.nextRun, tz),
      e(x.platforms.join(', ') || '—'),
    ]),
    'No schedules.',
  );
  const deliveries = table(
    ['When', 'What', 'Platform', 'Outcome'],
    s.deliveries.map((d) => [
      time(d.at, tz),
      e(d.kind === 'alert' ? 'alert' : `report ${d.name}`),
      e(d.platform),
      d.outcome === 'sent' || d.outcome === 'duplicate'
        ? `<span class="ok">${e(d.outcome)}</span>`
        : `<span class="bad">${e(d.outcome)}</span>`,
    ]),
    'Nothing delivered since the start.',
  );
  const upstreams = table(
    ['Source', 'Answered', 'Failed', 'From cache', 'Failures by kind'],
    s.upstreams.map((u) => [
      e(u.source),
      e(u.ok),
      u.errors > 0 ? `<span class="bad">${e(u.errors)}</span>` : '0',
      e(u.cached),
      e(
        Object.entries(u.errorKinds)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ') || '—',
      ),
    ]),
    'No upstream called since the start.',
  );
  return page(
    `${s.name} status`,
    `<h1>${e(s.name)}</h1>
<p class="meta">version ${e(s.version)} · up ${e(duration(s.now - s.startedAt))} (since ${time(s.startedAt, tz)}) · times in ${e(tz)} · page of ${time(s.now, tz)}</p>
<h2>Adapters</h2>
${adapters}
<h2>Schedules</h2>
${schedules}
<h2>Last deliveries</h2>
<p class="meta">Alerts relayed since the start: ${e(s.alertsRelayed)}</p>
${deliveries}
<h2>Sessions</h2>
<p>${s.sessions === undefined ? 'Accounts are not configured.' : `${e(s.sessions)} logged-in user${s.sessions === 1 ? '' : 's'}`}</p>
<h2>Upstream health</h2>
${upstreams}`,
  );
}

/** The login form (a POST to `/status` with the token, which sets an HttpOnly cookie). */
export function renderStatusLogin(name: string, message?: string): string {
  return page(
    `${name} status: sign in`,
    `<h1>${e(name)} status</h1>
${message ? `<p class="bad" role="alert">${e(message)}</p>` : '<p class="meta">This page needs the STATUS_TOKEN.</p>'}
<form method="post" action="/status"><label>Token <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">Sign in</button></form>`,
  );
}
