import type { SendLimits } from '@stats/core';

/**
 * Matrix's send limits as Synapse publishes them by default (`rc_message`): 0.2 messages a
 * second per room with bursts of 10. A homeserver with other limits: pass the notifier its own.
 */
export const MATRIX_SEND_LIMITS: SendLimits = { room: () => [{ capacity: 10, perSecond: 0.2 }] };
