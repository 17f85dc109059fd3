import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link startAlertmanager}. */
export interface AlertmanagerOptions {
  /** Where Alertmanager posts notifications (the bot's `/webhooks/alertmanager`). */
  readonly webhookUrl: string;
  /** The bearer token it sends (`ALERTMANAGER_WEBHOOK_TOKEN`). */
  readonly webhookToken: string;
  /** A second receiver, `other`, for alerts labelled `team="other"` (routing tests). */
  readonly otherReceiver?: boolean;
  /** The binary (default `/usr/bin/prometheus-alertmanager`, or `ALERTMANAGER_BIN`). */
  readonly binary?: string;
}

/** A running Alertmanager. */
export interface RunningAlertmanager {
  /** The base URL, e.g. `http://127.0.0.1:40123` (API at `/api/v2`). */
  readonly url: string;
  /** Posts alerts to `/api/v2/alerts` as Prometheus would. */
  postAlerts(alerts: readonly AlertInput[]): Promise<void>;
  /** The silences Alertmanager holds (`GET /api/v2/silences`). */
  silences(): Promise<readonly SilenceView[]>;
  stop(): Promise<void>;
}

/** An alert as Prometheus posts it. */
export interface AlertInput {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/** A silence as the API returns it. */
export interface SilenceView {
  readonly id: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly matchers: readonly {
    readonly name: string;
    readonly value: string;
    readonly isRegex: boolean;
    readonly isEqual?: boolean;
  }[];
  readonly status: { readonly state: string };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function config(options: AlertmanagerOptions): string {
  const receiver = (name: string): string => `  - name: ${name}
    webhook_configs:
      - url: ${JSON.stringify(options.webhookUrl)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${JSON.stringify(options.webhookToken)}
`;
  return `route:
  receiver: stats
  group_by: ['alertname']
  group_wait: 50ms
  group_interval: 200ms
  repeat_interval: 1h
${options.otherReceiver ? `  routes:\n    - receiver: other\n      matchers: ['team="other"']\n` : ''}receivers:
${receiver('stats')}${options.otherReceiver ? receiver('other') : ''}`;
}

/**
 * Starts the real `prometheus-alertmanager` on a free loopback port, with a webhook receiver
 * pointing at the bot and clustering off. Fails with the install command when it is missing.
 *
 * @example
 * const am = await startAlertmanager({ webhookUrl: `${bot.http.url}/webhooks/alertmanager`, webhookToken });
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = options.binary ?? process.env['ALERTMANAGER_BIN'] ?? '/usr/bin/prometheus-alertmanager';
  if (!existsSync(binary)) {
    throw new Error(
      `Alertmanager is not installed at ${binary}: run \`sudo apt-get install -y prometheus-alertmanager\` (or \`node scripts/test-setup.mjs\`)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'stats-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), config(options), { mode: 0o600 });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${dir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Alertmanager exited at start (code ${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Alertmanager did not become ready on ${url} within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async silences() {
      const res = await fetch(`${url}/api/v2/silences`);
      return (await res.json()) as SilenceView[];
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
