import { MessageFlags, type ChatInputCommandInteraction, type Message, type ModalSubmitInteraction } from 'discord.js';
import type { OutgoingPayload } from './outgoing.js';

/** An interaction the adapter answers: a slash command or a modal submit. */
export type AnswerableInteraction = ChatInputCommandInteraction | ModalSubmitInteraction;

/** Logs a failure of detached work (the defer timer). */
type OnError = (error: unknown, what: string) => void;

/**
 * Answers one interaction in Discord's order: the first answer is the interaction reply
 * (type 4), or, when the command is still running after `deferAfterMs`, a deferred reply
 * (type 5) that the first answer then edits; later answers are follow-ups. Every call is
 * queued, so a defer racing a reply never acknowledges twice (40060).
 */
export class InteractionReply {
  #queue: Promise<unknown> = Promise.resolve();
  #acknowledged = false;
  #deferred = false;
  #originalSet = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly interaction: AnswerableInteraction,
    /** Visible to the user only (session commands, modal submits). */
    private readonly ephemeral: boolean,
    deferAfterMs: number,
    private readonly onError: OnError,
  ) {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue(() => this.#defer()).catch((error: unknown) => this.onError(error, 'deferring the reply failed'));
    }, deferAfterMs);
    this.#timer.unref();
  }

  /** The answer was deferred (Discord shows "thinking…"). */
  get deferred(): boolean {
    return this.#deferred;
  }

  /** Sends one answer message; `ephemeral` widens the default for this message. */
  send(payload: OutgoingPayload, ephemeral = false): Promise<Message> {
    return this.#enqueue(() => this.#send(payload, ephemeral || this.ephemeral));
  }

  /** Stops the defer timer; removes a deferred reply that never got content. */
  async finish(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#enqueue(async () => {
      if (this.#deferred && !this.#originalSet) await this.interaction.deleteReply();
    });
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #defer(): Promise<void> {
    if (this.#acknowledged) return;
    this.#acknowledged = true;
    this.#deferred = true;
    await this.interaction.deferReply(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  }

  async #send(payload: OutgoingPayload, ephemeral: boolean): Promise<Message> {
    const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
    if (this.#timer !== undefined && !this.#acknowledged) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (!this.#acknowledged) {
      this.#acknowledged = true;
      this.#originalSet = true;
      const response = await this.interaction.reply({
        ...payload,
        ...(flags === undefined ? {} : { flags }),
        withResponse: true,
      });
      const message = response.resource?.message;
      if (message === null || message === undefined)
        throw new Error('Discord returned no message for the interaction reply');
      return message;
    }
    if (this.#deferred && !this.#originalSet) {
      this.#originalSet = true;
      return this.interaction.editReply(payload);
    }
    return this.interaction.followUp({ ...payload, ...(flags === undefined ? {} : { flags }) });
  }
}
