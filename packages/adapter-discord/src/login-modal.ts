import type { CommandDescriptor } from '@stats/core';
import { LabelBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, type ModalSubmitInteraction } from 'discord.js';
import { optionName } from './slash-commands.js';

/** The prefix of the `custom_id` of modals this adapter opens: `stats-modal:<command>`. */
export const MODAL_PREFIX = 'stats-modal:';

/** Discord allows five inputs per modal. */
const MAX_INPUTS = 5;

/** Labels shown for well-known argument names; others use the argument's description. */
const LABELS: Readonly<Record<string, string>> = { email: 'E-mail', password: 'Password', username: 'User name' };

/**
 * The modal for a sensitive command (`login`): one text input per declared argument, so the
 * secret is typed into a dialog only the user sees, never into a channel.
 */
export function commandModal(command: CommandDescriptor): ModalBuilder {
  const modal = new ModalBuilder().setCustomId(`${MODAL_PREFIX}${command.name}`).setTitle(command.summary.slice(0, 45));
  const labels = command.args.slice(0, MAX_INPUTS).map((arg) => {
    const input = new TextInputBuilder()
      .setCustomId(optionName(arg.name))
      .setStyle(TextInputStyle.Short)
      .setRequired(arg.required)
      .setMaxLength(arg.secret ? 256 : 320);
    return new LabelBuilder()
      .setLabel((LABELS[arg.name] ?? arg.description).slice(0, 45) || arg.name)
      .setTextInputComponent(input);
  });
  return modal.addLabelComponents(...labels);
}

/** The command name a modal submit belongs to, or `undefined` for a foreign modal. */
export function modalCommandName(customId: string): string | undefined {
  return customId.startsWith(MODAL_PREFIX) ? customId.slice(MODAL_PREFIX.length) : undefined;
}

/** The submitted values by argument name (empty optional inputs left out). */
export function modalArgs(command: CommandDescriptor, interaction: ModalSubmitInteraction): Record<string, string> {
  const args: Record<string, string> = {};
  for (const arg of command.args.slice(0, MAX_INPUTS)) {
    let value = '';
    try {
      value = interaction.fields.getTextInputValue(optionName(arg.name));
    } catch {
      value = '';
    }
    if (value !== '') args[arg.name] = value;
  }
  return args;
}
