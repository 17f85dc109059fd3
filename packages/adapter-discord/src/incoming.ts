import type { CommandDescriptor, IncomingMessage, StructuredCommand } from '@stats/core';
import type { ChatInputCommandInteraction, Message, ModalSubmitInteraction, User } from 'discord.js';
import { optionName } from './slash-commands.js';

const PLATFORM = 'discord';

function sender(user: User): IncomingMessage['sender'] {
  return { platform: PLATFORM, id: user.id, displayName: user.globalName ?? user.username };
}

/** A prefix (or mention) message from a guild channel or a DM. */
export function fromMessage(message: Message, botId: string): IncomingMessage {
  return {
    platform: PLATFORM,
    id: message.id,
    room: { platform: PLATFORM, id: message.channelId },
    sender: sender(message.author),
    text: message.content,
    isDirect: message.guildId === null,
    receivedAt: message.createdTimestamp,
    mentionsBot: message.mentions.users.has(botId),
    raw: message,
  };
}

/**
 * A slash command: arguments mapped back from option names to the command's argument names.
 * `text` is the equivalent prefix line, for commands that read it.
 */
export function fromSlashCommand(
  interaction: ChatInputCommandInteraction,
  command: CommandDescriptor | undefined,
  prefix: string,
): IncomingMessage {
  const byOption = new Map((command?.args ?? []).map((arg) => [optionName(arg.name), arg.name]));
  const args: Record<string, string | number | boolean> = {};
  for (const option of interaction.options.data) {
    if (option.value === undefined) continue;
    args[byOption.get(option.name) ?? option.name] = option.value;
  }
  const structured: StructuredCommand = { name: interaction.commandName, args };
  return {
    platform: PLATFORM,
    id: interaction.id,
    room: { platform: PLATFORM, id: interaction.channelId },
    sender: sender(interaction.user),
    text: [`${prefix}${interaction.commandName}`, ...Object.values(args).map(String)].join(' '),
    isDirect: interaction.guildId === null,
    receivedAt: interaction.createdTimestamp,
    command: structured,
    raw: interaction,
  };
}

/**
 * A submitted modal of a sensitive command (`login`): a direct message, since only the user saw
 * the dialog. `text` carries the command name only, never the submitted secret.
 */
export function fromModalSubmit(
  interaction: ModalSubmitInteraction,
  commandName: string,
  args: Record<string, string>,
  prefix: string,
): IncomingMessage {
  return {
    platform: PLATFORM,
    id: interaction.id,
    room: { platform: PLATFORM, id: interaction.channelId ?? interaction.user.id },
    sender: sender(interaction.user),
    text: `${prefix}${commandName}`,
    isDirect: true,
    receivedAt: interaction.createdTimestamp,
    command: { name: commandName, args },
    raw: interaction,
  };
}
