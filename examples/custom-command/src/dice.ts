import { arg, defineCommand } from '@stats/core';

/** `!dice 2d6`: rolls dice in the usual notation (up to 99 dice of up to 999 sides). */
export const dice = defineCommand({
  name: 'dice',
  summary: 'Rolls dice, e.g. !dice 2d6',
  args: { roll: arg.pattern('dice as <count>d<sides>, e.g. 2d6', /^[1-9]\d?d[1-9]\d{0,2}$/i, 'must look like 2d6') },
  run: ({ args }) => {
    const [count = 1, sides = 6] = args.roll.toLowerCase().split('d').map(Number);
    const rolls = Array.from({ length: count }, () => 1 + Math.floor(Math.random() * sides));
    return `🎲 ${rolls.join(' + ')} = ${rolls.reduce((sum, roll) => sum + roll, 0)}`;
  },
});
