import { createTestBot } from '@stats/core/testing';
import { expect, it } from 'vitest';
import { dice } from '../src/dice.js';

it('rolls two six-sided dice and adds them up', async () => {
  const bot = await createTestBot({ commands: [dice] });
  const [, a, b, total] = /^🎲 (\d+) \+ (\d+) = (\d+)$/.exec((await bot.say('!dice 2d6')).plain) ?? [];
  expect([a, b].map(Number).every((roll) => roll >= 1 && roll <= 6)).toBe(true);
  expect(Number(total)).toBe(Number(a) + Number(b));
  expect((await bot.say('!dice two')).plain).toBe('roll must look like 2d6.\nUsage: !dice <roll>');
  await bot.stop();
});
