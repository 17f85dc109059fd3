import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arg, defineCommand, document, type Document } from '@stats/core';
import { bigString, bigTable, hostileDocuments } from '@stats/core/testing';
import type { BotMessageRecord } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

/** An upstream that answers only after `delayMs` (a slow Umami or Prometheus). */
function startSlowUpstream(delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"visitors":42}'), delayMs);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server }),
    ),
  );
}

const longReport = (): Document => ({
  tone: 'info',
  blocks: [
    { type: 'heading', text: `Weekly report ${'x'.repeat(400)}`, level: 1 },
    { type: 'text', content: bigString(12_000) },
    {
      type: 'fields',
      fields: Array.from({ length: 60 }, (_, i) => ({
        label: `metric ${i} ${'n'.repeat(300)}`,
        value: `${i} ${'v'.repeat(1500)}`,
        inline: i % 2 === 0,
      })),
    },
    bigTable(300),
    { type: 'list', items: Array.from({ length: 200 }, (_, i) => `item ${i} @everyone`), ordered: true },
    { type: 'footer', text: `footer ${'f'.repeat(3000)}` },
  ],
});

/**
 * The core's hostile documents. '100 kB string everywhere' (a 2 MB document) is left out: the
 * core's discordRenderer does not finish it within a minute (reported to the document owner).
 */
const HOSTILE = hostileDocuments().filter((d) => d.name !== '100 kB string everywhere');

let upstream: { url: string; server: Server };
let h: Harness;
beforeAll(async () => {
  upstream = await startSlowUpstream(2500);
  const slow = defineCommand({
    name: 'slow',
    summary: 'Asks a slow upstream',
    run: async (ctx) => {
      const body = (await (await fetch(upstream.url, { signal: ctx.signal })).json()) as { visitors: number };
      return document().text(`visitors ${body.visitors}`);
    },
  });
  const report = defineCommand({ name: 'report', summary: 'A very long report', run: () => longReport() });
  const hostile = defineCommand({
    name: 'hostile',
    summary: 'Renders a hostile document',
    args: { index: arg.integer('which one', { min: 0, max: HOSTILE.length - 1 }) },
    run: ({ args }) => HOSTILE[args.index]?.doc,
  });
  const echo = defineCommand({
    name: 'echo',
    summary: 'Says it back',
    args: { text: arg.rest('what to say') },
    run: ({ args }) => args.text,
  });
  const chart = defineCommand({
    name: 'chart',
    summary: 'A chart',
    run: () =>
      document()
        .heading('Visitors')
        .chart(
          {
            kind: 'line',
            title: 'Visitors',
            series: [
              {
                name: 'site',
                points: [
                  { x: 'mon', y: 1 },
                  { x: 'tue', y: 3 },
                ],
              },
            ],
          },
          'site ▁█',
        ),
  });
  h = await startHarness({
    adapter: {
      deferAfterMs: 150,
      renderChart: (spec) => ({
        png: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
        width: 10,
        height: 10,
        alt: spec.title,
        filename: 'visitors.png',
      }),
    },
    bot: { commands: [slow, report, hostile, echo, chart], timeoutMs: 10_000 },
  });
});
afterAll(async () => {
  await h.stop();
  upstream.server.close();
});

const checkLimits = (record: BotMessageRecord): void => {
  const { content, embeds } = record.message;
  expect([...content].length).toBeLessThanOrEqual(2000);
  expect(embeds.length).toBeLessThanOrEqual(10);
  let total = 0;
  for (const embed of embeds as {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
    footer?: { text: string };
  }[]) {
    expect(embed.title?.length ?? 0).toBeLessThanOrEqual(256);
    expect(embed.description?.length ?? 0).toBeLessThanOrEqual(4096);
    expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(2048);
    total +=
      (embed.title?.length ?? 0) +
      (embed.description?.length ?? 0) +
      (embed.footer?.text.length ?? 0) +
      (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(6000);
};

describe('slow commands', () => {
  it('defers the interaction within the window, then edits the reply with the answer', async () => {
    h.discord.state.behaviour.interactionWindowMs = 1500;
    const interaction = h.discord.slash('slow');
    const response = await interaction.response().finally(() => {
      h.discord.state.behaviour.interactionWindowMs = 3000;
    });
    expect(response.deferred).toBe(true);
    expect(interaction.record.callbacks.map((c) => c.type)).toEqual([5]);
    expect(response.message?.message.content).toContain('visitors 42');
  });

  it('answers a fast command directly, without deferring', async () => {
    const interaction = h.discord.slash('echo', { text: 'quick' });
    const response = await interaction.response();
    expect(response.deferred).toBe(false);
    expect(interaction.record.callbacks.map((c) => c.type)).toEqual([4]);
  });
});

describe('rendering', () => {
  it('keeps every message of a long report within every Discord limit, through an interaction and a prefix message', async () => {
    const before = h.discord.state.botMessages.length;
    const interaction = h.discord.slash('report');
    await interaction.response();
    const message = h.discord.say('!report');
    await h.discord.replyTo(message.id);
    await h.discord.state.until(
      () => (interaction.record.followUps.length > 0 ? true : undefined),
      'follow-ups of the long report',
    );
    const sent = h.discord.state.botMessages.slice(before);
    expect(sent.length).toBeGreaterThan(2);
    for (const record of sent) checkLimits(record);
    const rejected = h.discord.state.requests.filter((r) => r.status === 400);
    expect(rejected).toEqual([]);
  });

  it('never lets a mention escape, whatever the data holds', async () => {
    const before = h.discord.state.botMessages.length;
    for (let index = 0; index < HOSTILE.length; index++) {
      await h.discord.slash('hostile', { index }).response();
      await h.discord.replyTo(h.discord.say(`!hostile ${index}`).id);
    }
    await h.discord.replyTo(h.discord.say('!echo @everyone @here <@123456789012345678> <@&987654321098765432>').id);
    await h.discord.slash('echo', { text: '@everyone hi <@123456789012345678>' }).response();
    const sent = h.discord.state.botMessages.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(2 * HOSTILE.length + 2);
    for (const record of sent) {
      expect(record.message.mention_everyone).toBe(false);
      expect(record.message.mentions).toEqual([]);
      expect(record.body['allowed_mentions']).toMatchObject({ parse: [] });
    }
  });

  it('sends charts as PNG attachments', async () => {
    const message = h.discord.say('!chart');
    await h.discord.state.until(
      () => h.discord.state.botMessages.find((m) => m.files.length > 0 && m.message.channel_id === message.channel_id),
      'the chart attachment',
    );
    const withFile = h.discord.state.botMessages.filter((m) => m.files.length > 0).at(-1);
    expect(withFile?.files[0]?.name).toBe('visitors.png');
    expect(withFile?.files[0]?.data.slice(0, 4)).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    const interaction = h.discord.slash('chart');
    expect((await interaction.response()).message).toBeDefined();
    const followUp = await h.discord.state.until(
      () => interaction.record.followUps.find((f) => f.files.length > 0),
      'the chart follow-up',
    );
    expect(followUp.files[0]?.name).toBe('visitors.png');
  });

  it('shows a send retried with the same idempotency key once (Discord nonce)', async () => {
    const room = { platform: 'discord', id: h.discord.channel('reports') };
    const doc = document().heading('Weekly').text('once only');
    const first = await h.adapter.send(room, doc, { idempotencyKey: 'weekly:2026-W48:discord' });
    const again = await h.adapter.send(room, doc, { idempotencyKey: 'weekly:2026-W48:discord' });
    expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
    expect(
      h.discord.state.botMessages.filter((m) => JSON.stringify(m.message.embeds).includes('once only')),
    ).toHaveLength(1);
    const body = h.discord.state.botMessages.find((m) => m.message.id === first[0]?.id)?.body;
    expect(body).toMatchObject({ enforce_nonce: true });
    expect(String(body?.['nonce']).length).toBeLessThanOrEqual(25);
  });

  it('sends into a report channel and edits the sent message', async () => {
    const room = { platform: 'discord', id: h.discord.channel('reports') };
    const [sent] = await h.adapter.send(room, document().heading('Daily').text('firing'));
    expect(sent).toBeDefined();
    if (sent === undefined || h.adapter.edit === undefined) throw new Error('no sent message or edit');
    await h.adapter.edit(sent, document().heading('Daily').text('resolved'));
    const record = h.discord.state.botMessages.find((m) => m.message.id === sent.id);
    expect(JSON.stringify(record?.message.embeds)).toContain('resolved');
    expect(record?.message.edited_timestamp).not.toBeNull();
  });
});
