import { arg, defineCommand, document, type Document } from '@stats/core';
import { hostileCorpus, hostileDocuments } from '@stats/core/testing';
import { parseTelegramHtml } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_SEND_LIMITS } from '../src/index.js';
import { startTelegramStack, type TelegramStack } from './telegram-harness.js';

/** A 1×1 PNG (8-byte signature, IHDR with width 1 and height 1). */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let hostile: Document = { blocks: [] };
let gate: Promise<void> = Promise.resolve();
const commands = [
  defineCommand({ name: 'ping', summary: 'Answers pong', run: () => document().text('pong') }),
  defineCommand({
    name: 'echo-args',
    summary: 'Repeats its arguments',
    args: { words: arg.rest('the words').optional() },
    run: (ctx) => document().text(`args: ${String(ctx.args.words ?? '')}`),
  }),
  defineCommand({ name: 'hostile', summary: 'Returns the hostile document under test', run: () => hostile }),
  defineCommand({
    name: 'chart',
    summary: 'A report with a chart',
    run: () =>
      document()
        .heading('Traffic')
        .chart(
          { kind: 'line', title: 'Visitors <7 days>', series: [{ name: 'v', points: [{ x: 'mon', y: 1 }] }] },
          '▁▃▅',
        )
        .footer('Umami'),
  }),
  defineCommand({
    name: 'mine',
    summary: 'An answer for the sender only',
    private: true,
    run: () => 'your balance: 42',
  }),
  defineCommand({
    name: 'realchart',
    summary: 'A chart rendered by the core',
    run: () =>
      document().chart(
        {
          kind: 'bar',
          title: 'Real chart',
          unit: 'visitors',
          series: [{ name: 'visitors', points: ['mon', 'tue', 'wed'].map((x, i) => ({ x, y: (i + 1) * 10 })) }],
        },
        '▁▅█',
      ),
  }),
  defineCommand({
    name: 'slow',
    summary: 'Waits for the test to let it finish',
    run: async () => {
      await gate;
      return 'done';
    },
  }),
];

let stack: TelegramStack;
beforeAll(async () => {
  stack = await startTelegramStack({
    commands,
    adapter: {
      renderChart: async (chart) =>
        chart.title === 'Real chart'
          ? (await import('@stats/core/charts')).renderChartPng(chart)
          : { png: PNG, width: 1, height: 1, alt: chart.title, filename: 'chart.png' },
    },
  });
});
afterAll(() => stack.stop());

describe('Telegram adapter: commands through grammY', () => {
  it('registers the command menu with setMyCommands in Telegram names', () => {
    const menu = stack.api.commands();
    expect(menu).toContainEqual({ command: 'ping', description: 'Answers pong' });
    expect(menu).toContainEqual({ command: 'echo_args', description: 'Repeats its arguments' });
    expect(menu.map((entry) => entry.command)).toContain('help');
  });

  it.each(['help', 'ping'])('answers /%s in a private chat and in a group, replying to the command', async (name) => {
    const { api } = stack;
    const alice = api.user('Alice', 'alice');
    const direct = api.privateChat(alice);
    const asked = direct.say(alice, `/${name}`);
    const [answer] = await api.waitForSent(alice.id);
    expect(answer?.parseMode).toBe('HTML');
    expect(answer?.replyTo).toBe(asked.message?.message_id);
    const group = api.group(`Team ${name}`, { supergroup: name === 'ping' });
    group.say(alice, `/${name}`);
    group.say(alice, `/${name}@${api.bot.username ?? ''}`);
    const inGroup = await api.waitForSent(group.chat.id, 2);
    expect(inGroup.map((m) => m.text)).toEqual([answer?.text, answer?.text]);
    expect(answer?.text).toMatch(name === 'ping' ? /^pong$/ : /ping/);
  });

  it('maps /echo_args to echo-args, keeps the arguments and answers the ! prefix too', async () => {
    const { api } = stack;
    const bob = api.user('Bob');
    const chat = api.privateChat(bob);
    chat.say(bob, '/echo_args one <two>');
    chat.say(bob, '!echo-args three');
    const sent = await api.waitForSent(bob.id, 2);
    expect(sent.map((m) => m.text)).toEqual(['args: one <two>', 'args: three']);
  });

  it('answers inside the forum topic the command came from', async () => {
    const { api } = stack;
    const kim = api.user('Kim');
    const forum = api.group('Forum', { supergroup: true });
    forum.say(kim, '/ping', { threadId: 77 });
    const [answer] = await api.waitForSent(forum.chat.id);
    expect(answer?.threadId).toBe(77);
    expect(answer?.text).toBe('pong');
  });

  it('sends an answer meant for the sender only to their private chat, and says so in the group', async () => {
    const { api } = stack;
    const lea = api.user('Lea', 'lea');
    api.privateChat(lea);
    const group = api.group('Shared');
    group.say(lea, '/mine');
    const [privately] = await api.waitForSent(lea.id);
    const [notice] = await api.waitForSent(group.chat.id);
    expect(privately?.text).toBe('your balance: 42');
    expect(notice?.text).toMatch(/@lea, I sent you the answer in our private chat/);
    expect(notice?.text).not.toContain('42');
  });

  it('asks the sender to start a private chat when Telegram refuses to message them first', async () => {
    const { api } = stack;
    const max = api.user('Max');
    const group = api.group('Shared too');
    group.say(max, '/mine');
    const [notice] = await api.waitForSent(group.chat.id);
    expect(notice?.text).toMatch(/open a private chat with @stats_test_bot, press Start/);
    expect(notice?.text).not.toContain('42');
  });

  it('ignores commands addressed to another bot', async () => {
    const { api } = stack;
    const carol = api.user('Carol');
    const group = api.group('Two bots');
    group.say(carol, '/ping@other_bot');
    group.say(carol, '/ping');
    const sent = await api.waitForSent(group.chat.id, 1);
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'both updates confirmed');
    expect(sent).toHaveLength(1);
    expect(api.sentTo(group.chat.id)).toHaveLength(1);
  });

  it('sends every hostile document as HTML Telegram accepts, data shown literally', async () => {
    const { api } = stack;
    const dave = api.user('Dave');
    const chat = api.privateChat(dave);
    for (const { name, doc } of hostileDocuments()) {
      hostile = doc;
      const before = api.sentTo(dave.id).length;
      const failedBefore = api.calls.filter((call) => call.status !== 200).length;
      chat.say(dave, '/hostile');
      await api.waitFor(
        () => (api.pendingUpdates() === 0 && api.sentTo(dave.id).length > before ? true : undefined),
        `the answer to ${name}`,
      );
      await api.waitFor(
        () => (api.calls.filter((call) => call.method === 'sendMessage').length > 0 ? true : undefined),
        'sends',
      );
      expect(api.calls.filter((call) => call.status !== 200).length, name).toBe(failedBefore);
    }
    const texts = api.sentTo(dave.id).map((m) => m.text);
    for (const entry of hostileCorpus.filter((c) => c.name === 'script tag' || c.name === 'closing pre and code')) {
      expect(
        texts.some((text) => text.includes(entry.text)),
        entry.name,
      ).toBe(true);
    }
    for (const message of api.sentTo(dave.id)) {
      expect(() => parseTelegramHtml(message.raw)).not.toThrow();
      expect(message.text.length).toBeLessThanOrEqual(4096);
    }
  });

  it('splits a long report into several messages of at most 4,096 characters', async () => {
    const { api } = stack;
    const erin = api.user('Erin');
    hostile = {
      blocks: [
        {
          type: 'table',
          columns: ['page', 'views'],
          rows: Array.from({ length: 600 }, (_, i) => [`/page/${i}`, String(i)]),
        },
      ],
    };
    api.privateChat(erin).say(erin, '/hostile');
    const sent = await api.waitForSent(erin.id, 2);
    await api.waitFor(() => (api.pendingUpdates() === 0 ? true : undefined), 'the update confirmed');
    const all = api.sentTo(erin.id);
    expect(all.length).toBeGreaterThan(1);
    for (const message of all) expect(message.text.length).toBeLessThanOrEqual(4096);
    expect(all.map((m) => m.text).join('\n')).toContain('/page/599');
    expect(sent[0]?.replyTo).toBeDefined();
  });

  it('sends charts as photos with an escaped caption', async () => {
    const { api } = stack;
    const fay = api.user('Fay');
    api.privateChat(fay).say(fay, '/chart');
    const sent = await api.waitForSent(fay.id, 2);
    const photo = sent.find((m) => m.method === 'sendPhoto');
    expect(photo?.photo?.equals(PNG)).toBe(true);
    expect(photo?.text).toBe('Visitors <7 days>');
    const text = sent.find((m) => m.method === 'sendMessage');
    expect(text?.text).toContain('Traffic');
    expect(text?.text).not.toContain('▁▃▅');
  });

  it("sends a chart rendered by the core's chart renderer as a PNG photo", async () => {
    const { api } = stack;
    const ida = api.user('Ida');
    api.privateChat(ida).say(ida, '/realchart');
    const [photo] = await api.waitForSent(ida.id, 1, 20_000);
    expect(photo?.method).toBe('sendPhoto');
    expect(photo?.photo?.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(photo?.photo?.length).toBeGreaterThan(1000);
  });

  it('shows typing while a slow command runs', async () => {
    const { api } = stack;
    const gus = api.user('Gus');
    let open: () => void = () => undefined;
    gate = new Promise<void>((resolve) => (open = resolve));
    api.privateChat(gus).say(gus, '/slow');
    await api.waitFor(
      () => (api.chatActions.some((a) => a.chatId === gus.id && a.action === 'typing') ? true : undefined),
      'a typing action',
    );
    expect(api.sentTo(gus.id)).toHaveLength(0);
    // Renewed by the core before Telegram's ~5 s lapse; the adapter only declares it.
    expect(stack.bot.adapter('telegram')?.typingTimeoutMs).toBe(5000);
    // And its send limits, for the notifier (the same ones its throttle keeps to).
    expect(stack.bot.adapter('telegram')?.sendLimits).toBe(TELEGRAM_SEND_LIMITS);
    open();
    const [answer] = await api.waitForSent(gus.id);
    expect(answer?.text).toBe('done');
  });

  it('edits a sent message with editMessageText', async () => {
    const { api, bot } = stack;
    const hal = api.user('Hal');
    api.privateChat(hal);
    const adapter = bot.adapter('telegram');
    const [sent] =
      (await adapter?.send({ platform: 'telegram', id: String(hal.id) }, document().text('🔥 firing'))) ?? [];
    expect(sent).toBeDefined();
    if (sent === undefined) return;
    await adapter?.edit?.(sent, document().text('✅ resolved'));
    await adapter?.edit?.(sent, document().text('✅ resolved'));
    expect(api.sentTo(hal.id)[0]?.edited?.text).toBe('✅ resolved');
  });
});
