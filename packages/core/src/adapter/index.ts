/**
 * `@stats/core/adapter`: what an adapter author needs beyond the chat port (the port's types are
 * in `@stats/core`). The platform policies live here once, and every adapter calls them: the
 * catch-up window and de-duplication ({@link createIntakeGate} over the adapter's
 * {@link HandledLog}), the parsing of a leading mention ({@link stripLeadingMention}), and the
 * bounded wait of a stop ({@link settleWithin}). Typing renewal and the drain on stop are the
 * bot's (an adapter declares `typingTimeoutMs`); send limits are declared by each adapter as
 * `sendLimits` and applied by the notifier.
 *
 * @packageDocumentation
 */

export {
  createIntakeGate,
  DEFAULT_CATCH_UP_WINDOW_MS,
  type HandledLog,
  type IntakeDecision,
  type IntakeGate,
  type IntakeGateOptions,
} from '../intake/index.js';
export { stripLeadingMention } from '../chat/index.js';
export { settleWithin } from '../async/index.js';
