import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, textDocument, type ReportPeriod } from '@stats/core';
import { createSchedulesFromConfig, loadConfig, targetsFromConfig } from '@stats/core/app';
import { createTestBot, MemoryAdapter } from '@stats/core/testing';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('schedules from configuration', () => {
  it('reads targets from the report variables and REPORT_TARGETS', () => {
    const config = loadConfig({
      MATRIX_HOMESERVER_URL: 'http://hs.example',
      MATRIX_ACCESS_TOKEN: 'token',
      MATRIX_REPORT_ROOM_ID: '!ops:hs.example',
      REPORT_TARGETS: 'telegram:-100123#America/New_York, discord:42,matrix:!ops:hs.example',
    });
    expect(targetsFromConfig(config)).toEqual([
      { platform: 'matrix', roomId: '!ops:hs.example' },
      { platform: 'telegram', roomId: '-100123', timeZone: 'America/New_York' },
      { platform: 'discord', roomId: '42' },
    ]);
    expect(() => targetsFromConfig(loadConfig({ REPORT_TARGETS: 'nocolon' }))).toThrow(ConfigError);
    expect(() => targetsFromConfig(loadConfig({ REPORT_TARGETS: 'telegram:1#Nowhere/City' }))).toThrow(/time zone/);
  });

  it('catches up the daily report after a restart, with SQLite in DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stats-schedules-'));
    dirs.push(dir);
    let t = Date.parse('2026-06-01T06:00:00Z');
    const now = (): number => t;
    const config = loadConfig({ DATA_DIR: dir, REPORT_TARGETS: 'memory:room-1' });
    const built: ReportPeriod[] = [];
    const buildDaily = async (period: ReportPeriod) => {
      built.push(period);
      return textDocument(`daily ${period.key}`);
    };
    const adapter = new MemoryAdapter();
    const first = createSchedulesFromConfig(config, { adapters: [adapter], buildDaily, now });
    await first.start();
    await first.stop();
    t = Date.parse('2026-06-01T08:30:00Z'); // 10:30 Berlin: 09:00 was missed while down
    const second = createSchedulesFromConfig(config, { adapters: [adapter], buildDaily, now });
    await second.start();
    await second.scheduler.tick(); // the catch-up started by start() is done
    await second.stop();
    const third = createSchedulesFromConfig(config, { adapters: [adapter], buildDaily, now });
    await third.start();
    await third.scheduler.tick();
    await third.stop();
    expect(built.map((p) => [p.key, p.catchUp])).toEqual([['2026-06-01T09:00', true]]);
    expect(adapter.sent.map((s) => [s.room.id, s.plain])).toEqual([['room-1', 'daily 2026-06-01T09:00']]);
  });

  it("lists the schedules with their next run in the room's time zone", async () => {
    const config = loadConfig({ DATA_DIR: '/nonexistent', REPORT_TARGETS: 'memory:room:team#America/New_York' });
    const now = () => Date.parse('2026-03-28T12:00:00Z');
    const schedules = createSchedulesFromConfig(config, {
      adapters: [],
      buildDaily: async () => textDocument('d'),
      buildWeekly: async () => textDocument('w'),
      now,
    });
    const bot = await createTestBot({ commands: schedules.commands });
    try {
      const here = await bot.say('!schedule', { direct: false, room: 'room:team' });
      expect(here.plain).toMatch(
        /Daily report.*0 9 \* \* \*.*Sun, 29 Mar 2026, 03:00 \(America\/New_York\).*this room/,
      );
      expect(here.plain).toMatch(/Weekly report.*0 9 \* \* 1.*Mon, 30 Mar 2026, 03:00 \(America\/New_York\)/);
      const elsewhere = await bot.say('!schedule', { direct: true });
      expect(elsewhere.plain).toMatch(/Sun, 29 Mar 2026, 09:00 \(Europe\/Berlin\)/);
    } finally {
      await bot.stop();
    }
  });
});
