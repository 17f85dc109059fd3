/**
 * Discord's message limits (Docs `resources/message.mdx`), checked the way the API does: a
 * violation is a 400 with code 50035 "Invalid Form Body" and the offending paths.
 */

interface EmbedInput {
  title?: unknown;
  description?: unknown;
  fields?: unknown;
  footer?: { text?: unknown };
  author?: { name?: unknown };
}

const length = (value: unknown): number => (typeof value === 'string' ? [...value].length : 0);

/** The `errors` of a 50035 answer (path → message), empty when the body is valid. */
export function messageLimitViolations(body: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const content = body['content'];
  if (content !== undefined && content !== null && typeof content !== 'string') errors['content'] = 'must be a string';
  if (length(content) > 2000) errors['content'] = 'Must be 2000 or fewer in length.';
  const embeds = Array.isArray(body['embeds']) ? (body['embeds'] as EmbedInput[]) : [];
  if (embeds.length > 10) errors['embeds'] = 'Must be 10 or fewer in length.';
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = `embeds.${i}`;
    if (length(embed.title) > 256) errors[`${at}.title`] = 'Must be 256 or fewer in length.';
    if (length(embed.description) > 4096) errors[`${at}.description`] = 'Must be 4096 or fewer in length.';
    if (length(embed.footer?.text) > 2048) errors[`${at}.footer.text`] = 'Must be 2048 or fewer in length.';
    if (length(embed.author?.name) > 256) errors[`${at}.author.name`] = 'Must be 256 or fewer in length.';
    total += length(embed.title) + length(embed.description) + length(embed.footer?.text) + length(embed.author?.name);
    const fields = Array.isArray(embed.fields) ? (embed.fields as { name?: unknown; value?: unknown }[]) : [];
    if (fields.length > 25) errors[`${at}.fields`] = 'Must be 25 or fewer in length.';
    fields.forEach((field, j) => {
      if (length(field.name) === 0 || length(field.name) > 256)
        errors[`${at}.fields.${j}.name`] = 'Must be between 1 and 256 in length.';
      if (length(field.value) === 0 || length(field.value) > 1024)
        errors[`${at}.fields.${j}.value`] = 'Must be between 1 and 1024 in length.';
      total += length(field.name) + length(field.value);
    });
  });
  if (total > 6000) errors['embeds'] = 'Embed size exceeds maximum size of 6000';
  return errors;
}

/** True when a message would have no content, embeds, files or components (API code 50006). */
export function isEmptyMessage(body: Record<string, unknown>, hasFiles: boolean): boolean {
  const embeds = Array.isArray(body['embeds']) ? body['embeds'].length : 0;
  const components = Array.isArray(body['components']) ? body['components'].length : 0;
  return length(body['content']) === 0 && embeds === 0 && components === 0 && !hasFiles;
}
