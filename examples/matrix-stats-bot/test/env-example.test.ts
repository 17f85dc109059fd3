import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { fromEnv, MATRIX_ENV_VARIABLES } from '@stats/adapter-matrix';
import { envSchema, loadConfig, SECRET_VARIABLES } from '@stats/core/app';

const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

it('.env.example names every variable the bot reads', () => {
  const missing = [...Object.keys(envSchema.shape), ...MATRIX_ENV_VARIABLES].filter(
    (name) => !new RegExp(`\\b${name}\\b`).test(text),
  );
  expect(missing).toEqual([]);
});

it('.env.example parses as a valid configuration, with the seed names and defaults', () => {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2];
  }
  const config = loadConfig(env);
  expect(config.port).toBe(3312);
  expect(config.timeZone).toBe('Europe/Berlin');
  expect(fromEnv(env)?.homeserverUrl).toBe('http://localhost:8008');
  for (const name of [
    'MATRIX_HOMESERVER_URL',
    'MATRIX_ACCESS_TOKEN',
    'MATRIX_REPORT_ROOM_ID',
    'UMAMI_API_URL',
    'UMAMI_USERNAME',
    'UMAMI_PASSWORD',
    'PROMETHEUS_URL',
    'DATABASE_URL',
    'PORT',
    'TZ',
  ]) {
    expect(env[name], name).toBeDefined();
  }
  // secrets are placeholders, never real-looking values
  for (const name of [...SECRET_VARIABLES, 'MATRIX_ACCESS_TOKEN'])
    if (env[name] !== undefined) expect(env[name]).toMatch(/xxx|password|^syt_xxx$/);
});
