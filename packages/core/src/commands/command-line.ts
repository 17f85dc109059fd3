import { stripLeadingMention, type IncomingMessage } from '../chat/index.js';

/** A command line found in a message. */
export interface ParsedLine {
  /** The command word, lower-cased. */
  readonly name: string;
  /** Everything after the command word. */
  readonly argText: string;
  /** The user addressed the bot explicitly (prefix or mention), so an unknown word deserves an answer. */
  readonly explicit: boolean;
}

function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 160;
}

function splitWord(text: string, from: number, explicit: boolean): ParsedLine | undefined {
  let start = from;
  while (start < text.length && isSpaceCode(text.charCodeAt(start))) start++;
  if (start >= text.length) return undefined;
  let end = start;
  while (end < text.length && !isSpaceCode(text.charCodeAt(end))) end++;
  const word = text.slice(start, end);
  return { name: word.toLowerCase(), argText: end >= text.length ? '' : text.slice(end + 1), explicit };
}

/**
 * Finds the command line in a message: after the prefix (`!stats`), after a mention of the
 * bot at the start, or — in a direct room — the bare text. Returns `undefined` for a message
 * that is not for the bot.
 */
export function parseCommandLine(
  message: IncomingMessage,
  prefix: string,
  mentionNames: readonly string[],
): ParsedLine | undefined {
  const text = message.text;
  if (text.startsWith(prefix)) {
    const word = splitWord(text, prefix.length, true);
    if (word === undefined || word.name.startsWith(prefix[0] as string)) return undefined;
    return word;
  }
  if (mentionNames.length > 0 || message.mentionsBot) {
    const rest = stripLeadingMention(text, mentionNames);
    if (rest !== undefined) {
      const line = rest.startsWith(prefix) ? rest.slice(prefix.length) : rest;
      return splitWord(line, 0, true) ?? { name: 'help', argText: '', explicit: true };
    }
    if (message.mentionsBot) {
      const word = splitWord(text, 0, false);
      if (word !== undefined) return word;
    }
  }
  if (message.isDirect) return splitWord(text, 0, false);
  return undefined;
}
