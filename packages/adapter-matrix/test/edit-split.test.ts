import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { document, type Document } from '@stats/core';
import { createBotRoom, startMatrixHomeserver, waitForBotJoin, type MatrixHomeserver } from '@stats/test-utils';
import { bodyOf, startBot, tempDataDir, type RunningBot } from './harness.js';

let hs: MatrixHomeserver;
let data: ReturnType<typeof tempDataDir>;
let running: RunningBot | undefined;
let room: string;

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  data = tempDataDir();
  const alice = hs.human('alice', 'Alice');
  room = createBotRoom(hs, { owner: alice, name: 'alerts' }).roomId;
});

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await hs.stop();
  data.remove();
});

const long = (word: string): Document =>
  document().list(Array.from({ length: 2500 }, (_, i) => `${word} item ${i} with some padding to make it long`));

type Content = {
  body?: string;
  'm.relates_to'?: { rel_type?: string; event_id?: string };
  'm.new_content'?: { body?: string };
  'm.mentions'?: unknown;
};
const contentOf = (e: Record<string, unknown>): Content => e['content'] as Content;

/** The latest text of each event id: its last edit's new content, or its own body; '' when redacted. */
function currentText(ids: readonly string[]): string[] {
  const events = hs.events(room);
  return ids.map((id) => {
    const own = events.find((e) => e['event_id'] === id);
    if (!own || Object.keys(contentOf(own)).length === 0) return '';
    const edits = events.filter(
      (e) => contentOf(e)['m.relates_to']?.rel_type === 'm.replace' && contentOf(e)['m.relates_to']?.event_id === id,
    );
    const last = edits.at(-1);
    return last ? String(contentOf(last)['m.new_content']?.body) : bodyOf(own);
  });
}

async function started(): Promise<RunningBot> {
  running = await startBot(hs, data.dir);
  await waitForBotJoin(hs, room);
  return running;
}

describe('Matrix adapter: editing a message sent in parts', () => {
  it('replaces every part, sends what no longer fits after them, and removes parts a shorter edit does not need, also after a restart', async () => {
    const { adapter } = await started();
    const sent = await adapter.send({ platform: 'matrix', id: room }, long('old'));
    expect(sent.length).toBeGreaterThan(1);
    const [first] = sent;
    if (!first) return;

    await adapter.edit?.(first, long('new'));
    const afterEdit = currentText(sent.map((s) => s.id));
    for (const text of afterEdit) expect(text).not.toContain('old item');
    const extra = hs
      .botEvents(room)
      .filter(
        (e) =>
          e['type'] === 'm.room.message' &&
          contentOf(e)['m.relates_to'] === undefined &&
          !sent.some((s) => s.id === e['event_id']),
      );
    expect(extra.length).toBeGreaterThan(0);
    const all = [...afterEdit, ...extra.map(bodyOf)].join('\n');
    expect(all).toContain('new item 0 ');
    expect(all).toContain('new item 2499 ');
    for (const e of hs.botEvents(room).filter((m) => m['type'] === 'm.room.message'))
      expect(contentOf(e)['m.mentions']).toEqual({});

    await running?.stop();
    running = undefined;
    const { adapter: again } = await started();
    await again.edit?.(first, document().text('RESOLVED'));
    const ids = [...sent.map((s) => s.id), ...extra.map((e) => String(e['event_id']))];
    expect(currentText(ids)).toEqual(['RESOLVED', ...ids.slice(1).map(() => '')]);
  });
});
