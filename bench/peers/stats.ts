import { arg, defineCommand, type Command } from '@stats/core';
import { rollReply } from './workload.js';

/** `ping`, `roll` (three typed arguments) and `extra` filler commands, as a bot author writes them. */
export function statsCommands(extra = 0): Command[] {
  const commands = [
    defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' }),
    defineCommand({
      name: 'roll',
      summary: 'Rolls dice',
      args: { count: arg.integer('how many dice'), sides: arg.integer('sides per die'), label: arg.string('what for') },
      run: ({ args }) => rollReply(args.count, args.sides, args.label),
    }),
  ];
  for (let i = 0; i < extra; i += 1)
    commands.push(defineCommand({ name: `filler${i}`, summary: `Filler command ${i}`, run: () => `filler ${i}` }));
  return commands;
}
