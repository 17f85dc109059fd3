import { decodeJwt } from 'jose/jwt/decode';
import { z } from 'zod';
import { StatsError } from '../../errors/index.js';
import type { Account, LoginResult } from '../../sessions/index.js';

const loginAnswer = z.object({
  user: z.object({ id: z.union([z.string(), z.number()]).transform(String), email: z.string().optional(), name: z.string().nullish() }).optional(),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
});

/** The account from the access token's claims (`sub`, `email`, `name`). */
export function accountFromToken(accessToken: string): Account {
  try {
    const claims = decodeJwt(accessToken);
    const account: { id: string; email?: string; name?: string } = { id: claims.sub ?? 'unknown' };
    if (typeof claims['email'] === 'string') account.email = claims['email'];
    if (typeof claims['name'] === 'string') account.name = claims['name'];
    return account;
  } catch {
    return { id: 'unknown' };
  }
}

/**
 * Reads a login, refresh or SSO-link answer in either shape of the contract: seed 002
 * (`{ user, accessToken, refreshToken, expiresIn }`) or seed 003 (`{ user, token, accessToken,
 * refreshToken }`, `refreshToken` = the session token).
 *
 * @throws StatsError `upstream` when the answer holds no tokens.
 */
export function readLoginAnswer(body: unknown): LoginResult {
  const parsed = loginAnswer.safeParse(body);
  const refreshToken = parsed.success ? (parsed.data.refreshToken ?? parsed.data.token) : undefined;
  if (!parsed.success || refreshToken === undefined) {
    throw new StatsError('upstream', 'The auth service answered a login without the expected tokens', 'The auth service sent an answer the bot could not read.');
  }
  const fromToken = accountFromToken(parsed.data.accessToken);
  const user = parsed.data.user;
  const account: { id: string; email?: string; name?: string } = { ...fromToken, ...(user ? { id: user.id } : {}) };
  if (user?.email !== undefined) account.email = user.email;
  if (user?.name != null) account.name = user.name;
  return { account, accessToken: parsed.data.accessToken, refreshToken };
}

/** The credit balance (`GET /api/v1/credits/balance`). */
export const creditBalanceSchema = z.object({
  balance: z.number(),
  freeCreditsRemaining: z.number().default(0),
  totalEarned: z.number().default(0),
  totalSpent: z.number().default(0),
});

/** A user's credit balance. */
export type CreditBalance = z.infer<typeof creditBalanceSchema>;

/** One credit transaction (`GET /api/v1/credits/transactions`). */
export const creditTransactionSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  type: z.string().default('usage'),
  amount: z.number(),
  appId: z.string().nullish().transform((v) => v ?? 'unknown'),
  description: z.string().nullish().transform((v) => v ?? ''),
  createdAt: z.string(),
});

/** A credit transaction. */
export type CreditTransaction = z.infer<typeof creditTransactionSchema>;
