#!/usr/bin/env node
// Prepares this machine for `pnpm test`: installs the Debian packages the tests run for real
// (Prometheus with promtool, node-exporter, VictoriaMetrics, Alertmanager, a font for charts,
// Chromium for the status page) when missing,
// and starts PostgreSQL and Redis when they are not answering. Each step says what it does.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const DEBIAN_PACKAGES = {
  prometheus: '/usr/bin/prometheus',
  'prometheus-node-exporter': '/usr/bin/prometheus-node-exporter',
  'victoria-metrics': '/usr/bin/victoria-metrics',
  'prometheus-alertmanager': '/usr/bin/prometheus-alertmanager',
  'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  // the status page's browser test (playwright-core drives the system Chromium)
  chromium: '/usr/bin/chromium',
};

function log(line) {
  process.stdout.write(`[test-setup] ${line}\n`);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function waitForPort(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await portOpen(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const missing = Object.entries(DEBIAN_PACKAGES)
  .filter(([, file]) => !existsSync(file))
  .map(([name]) => name);
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const sudo = root ? '' : 'sudo ';
  log(`installing Debian packages: ${missing.join(' ')}`);
  const cmd = `${sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo}apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`;
  const result = spawnSync('bash', ['-c', cmd], { stdio: 'inherit' });
  if (result.status !== 0) {
    log(`could not install ${missing.join(' ')}; run as root: ${cmd}`);
    process.exit(1);
  }
}
// Debian's packages start their daemons on the standard ports where systemd runs; the tests
// start their own copies on free ports, so nothing else is needed.

if (!(await portOpen(5432))) {
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length === 0) {
    log('PostgreSQL is not installed: apt-get install postgresql, then run pnpm test again');
    process.exit(1);
  }
  log(`starting PostgreSQL ${versions[0]}`);
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0], 'main', 'start'], { stdio: 'inherit' });
  if (!(await waitForPort(5432, 30))) {
    log('PostgreSQL did not come up on 127.0.0.1:5432');
    process.exit(1);
  }
}
try {
  execSync(
    `psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 || psql -h 127.0.0.1 -U postgres -d postgres -c 'CREATE DATABASE test'`,
    { stdio: 'ignore', shell: '/bin/bash' },
  );
} catch {
  log('could not check or create the PostgreSQL database "test" (user postgres, trust auth on 127.0.0.1)');
}

if (!(await portOpen(6379))) {
  log('starting Redis on 127.0.0.1:6379');
  spawnSync(
    'bash',
    [
      '-c',
      'mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
    ],
    { stdio: 'inherit' },
  );
  if (!(await waitForPort(6379, 15))) {
    log('Redis did not come up on 127.0.0.1:6379 (apt-get install redis-server)');
    process.exit(1);
  }
}
log(
  'ready: PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379, Prometheus/node-exporter/VictoriaMetrics/Alertmanager binaries present',
);
