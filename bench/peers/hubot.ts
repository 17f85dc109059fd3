import { Adapter, Robot, TextMessage, User, type CommandSpec, type Envelope, type Response } from 'hubot';
import type { Subject } from '../lib/sequential.js';
import { rollReply } from './workload.js';

/**
 * A minimal Hubot adapter: messages go in through `robot.receive`, replies resolve the promise
 * the bench is waiting on: what Hubot's Shell adapter does, without the terminal.
 */
class BenchAdapter extends Adapter {
  private waiting: ((text: string) => void) | undefined;

  /** Resolves with the next reply. */
  nextReply(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  override async send(_envelope: Envelope, ...strings: string[]): Promise<void> {
    this.deliver(strings);
  }

  override async reply(_envelope: Envelope, ...strings: string[]): Promise<void> {
    this.deliver(strings);
  }

  private deliver(strings: string[]): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.(strings.join('\n'));
  }
}

/** A started Hubot robot with `ping` and `roll` on both of its paths. */
export interface HubotBench {
  readonly robot: Robot;
  /** A subject that sends `text` through `robot.receive(new TextMessage(...))`. */
  subject(label: string, text: string): Subject;
  stop(): void;
}

/**
 * Starts a Hubot 14 robot the way its docs describe a custom adapter (an object with
 * `use(robot)`), HTTP server off, with `ping` and `roll` registered both as `robot.hear`
 * listeners and on the command bus, plus `extra` filler commands on both.
 */
export async function startHubot(extra = 0): Promise<HubotBench> {
  let adapter: BenchAdapter | undefined;
  const robot = new Robot({ use: (r: Robot) => (adapter = new BenchAdapter(r)) }, false, 'Hubot');
  await robot.loadAdapter();
  registerHubotCommands(robot, extra);
  await robot.run();
  const bench = adapter;
  if (bench === undefined) throw new Error('Hubot did not load the bench adapter');
  const user = new User('1', { name: 'alice', room: 'bench' });
  return {
    robot,
    subject: (label, text) => ({
      label,
      send: async (index) => {
        const reply = bench.nextReply();
        await robot.receive(new TextMessage(user, text, String(index)));
        return reply;
      },
    }),
    stop: () => robot.shutdown(),
  };
}

/** Registers `ping` and `roll` (plus `extra` filler commands) as `hear` listeners and as commands. */
export function registerHubotCommands(robot: Robot, extra = 0): void {
  robot.hear(/^!ping$/, (res: Response) => res.reply('pong'));
  robot.hear(/^!roll (\d+) (\d+) (\S+)$/, (res: Response) => {
    const count = Number(res.match[1]);
    const sides = Number(res.match[2]);
    return res.reply(rollReply(count, sides, res.match[3] ?? ''));
  });
  const commands: CommandSpec[] = [
    { id: 'ping', description: 'Answers pong', confirm: 'never', handler: () => 'pong' },
    {
      id: 'roll',
      description: 'Rolls dice',
      confirm: 'never',
      args: {
        count: { type: 'number', required: true },
        sides: { type: 'number', required: true },
        label: { type: 'string', required: true },
      },
      handler: ({ args }) => rollReply(args['count'] as number, args['sides'] as number, args['label'] as string),
    },
  ];
  for (let i = 0; i < extra; i += 1) {
    robot.hear(new RegExp(`^!filler${i}$`), (res: Response) => res.reply(`filler ${i}`));
    commands.push({
      id: `filler${i}`,
      description: `Filler command ${i}`,
      confirm: 'never',
      handler: () => `filler ${i}`,
    });
  }
  for (const command of commands) robot.commands.register(command);
}
