import { z } from 'zod';

const labels = z.record(z.string(), z.string());

/** One alert of an Alertmanager webhook notification. */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels.default({}),
  startsAt: z.string(),
  endsAt: z.string().default('0001-01-01T00:00:00Z'),
  generatorURL: z.string().default(''),
  fingerprint: z.string().default(''),
});

/** Alertmanager's webhook payload, version 4 (the `webhook_configs` receiver). */
export const webhookPayloadSchema = z.object({
  version: z.literal('4', { error: 'only webhook payload version 4 is supported' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels.default({}),
  commonLabels: labels.default({}),
  commonAnnotations: labels.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(webhookAlertSchema),
});

/** One alert of a notification. */
export type WebhookAlert = z.infer<typeof webhookAlertSchema>;
/** An Alertmanager webhook notification (version 4). */
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
