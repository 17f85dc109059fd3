import { createBot, createConsoleAdapter } from '@stats/core';
import { dice } from './dice.js';

// The smallest bot: one custom command, answered in this terminal. Try: !dice 2d6
const terminal = createConsoleAdapter({ onEnd: () => void bot.stop() });
const bot = createBot({ adapters: [terminal], commands: [dice], http: false, handleSignals: true });
await bot.start();
