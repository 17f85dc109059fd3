/**
 * @stats/adapter-matrix: binds @stats/core to Matrix through matrix-bot-sdk.
 *
 * @packageDocumentation
 */
export {
  createMatrixAdapter,
  MATRIX_CAPABILITIES,
  PRIVATE_ANSWER_POINTER,
  PRIVATE_ANSWER_REFUSED,
  type MatrixAdapter,
  type MatrixAdapterOptions,
} from './matrix-adapter.js';
export { ENCRYPTED_ROOM_NOTICE, inviterAllowed } from './event-intake.js';
export { CRYPTO_STORE_FILE, UNDECRYPTABLE_NOTICE } from './crypto/index.js';
export { mentionsBot, stripReplyFallback, type BotIdentity } from './incoming.js';
export { bridgeSdkLogging } from './log-bridge.js';
export type { SenderRetry } from './sender.js';
export { MATRIX_SEND_LIMITS } from './send-limits.js';
export { fromEnv, MATRIX_ENV_VARIABLES, type MatrixEnvOptions } from './from-env.js';
