import { StatsError } from '../../errors/index.js';
import { decodeJwtClaims, type Account, type LoginResult } from '../../sessions/index.js';
import { asObject, finiteNumber, idString, MISSING, nonEmptyString } from './json-fields.js';

/** The account from the access token's claims (`sub`, `email`, `name`), decoded, not verified. */
export function accountFromToken(accessToken: string): Account {
  const claims = decodeJwtClaims(accessToken);
  if (claims === undefined) return { id: 'unknown' };
  const account: { id: string; email?: string; name?: string } = {
    id: typeof claims.sub === 'string' ? claims.sub : 'unknown',
  };
  if (typeof claims['email'] === 'string') account.email = claims['email'];
  if (typeof claims['name'] === 'string') account.name = claims['name'];
  return account;
}

/** The `user` of a login answer: absent is fine, malformed is not (`null` result). */
function readUser(value: unknown): { id: string; email?: string; name?: string } | undefined | null {
  if (value === undefined) return undefined;
  const user = asObject(value);
  const id = idString(user?.['id']);
  if (user === undefined || id === undefined) return null;
  const email = user['email'];
  const name = user['name'];
  if (email !== undefined && typeof email !== 'string') return null;
  if (name != null && typeof name !== 'string') return null;
  return { id, ...(email === undefined ? {} : { email }), ...(name == null ? {} : { name }) };
}

const unreadableLogin = (): StatsError =>
  new StatsError(
    'upstream',
    'The auth service answered a login without the expected tokens',
    'The auth service sent an answer the bot could not read.',
  );

/**
 * Reads a login, refresh or SSO-link answer in either shape of the contract: seed 002
 * (`{ user, accessToken, refreshToken, expiresIn }`) or seed 003 (`{ user, token, accessToken,
 * refreshToken }`, `refreshToken` = the session token).
 *
 * @throws StatsError `upstream` when the answer holds no tokens.
 */
export function readLoginAnswer(body: unknown): LoginResult {
  const answer = asObject(body);
  if (answer === undefined) throw unreadableLogin();
  const accessToken = nonEmptyString(answer['accessToken']);
  const refresh = nonEmptyString(answer['refreshToken']);
  const token = nonEmptyString(answer['token']);
  const user = readUser(answer['user']);
  if (typeof accessToken !== 'string' || refresh === undefined || token === undefined || user === null)
    throw unreadableLogin();
  const refreshToken = refresh !== MISSING ? refresh : token !== MISSING ? token : undefined;
  if (refreshToken === undefined) throw unreadableLogin();
  const account: { id: string; email?: string; name?: string } = {
    ...accountFromToken(accessToken),
    ...(user ? { id: user.id } : {}),
  };
  if (user?.email !== undefined) account.email = user.email;
  if (user?.name !== undefined) account.name = user.name;
  return { account, accessToken, refreshToken };
}

/** A user's credit balance (`GET /api/v1/credits/balance`). */
export interface CreditBalance {
  readonly balance: number;
  readonly freeCreditsRemaining: number;
  readonly totalEarned: number;
  readonly totalSpent: number;
}

/** A credit transaction (`GET /api/v1/credits/transactions`). */
export interface CreditTransaction {
  readonly id: string;
  readonly type: string;
  readonly amount: number;
  readonly appId: string;
  readonly description: string;
  readonly createdAt: string;
}

/** A number field that defaults to 0 when absent; `undefined` when present but not a number. */
function numberOrZero(value: unknown): number | undefined {
  const read = finiteNumber(value);
  return read === MISSING ? 0 : read;
}

/** Reads a credit balance answer; `undefined` when `balance` is not a number or another field is malformed. */
export function readCreditBalance(body: unknown): CreditBalance | undefined {
  const answer = asObject(body);
  const balance = finiteNumber(answer?.['balance']);
  if (answer === undefined || typeof balance !== 'number') return undefined;
  const freeCreditsRemaining = numberOrZero(answer['freeCreditsRemaining']);
  const totalEarned = numberOrZero(answer['totalEarned']);
  const totalSpent = numberOrZero(answer['totalSpent']);
  if (freeCreditsRemaining === undefined || totalEarned === undefined || totalSpent === undefined) return undefined;
  return { balance, freeCreditsRemaining, totalEarned, totalSpent };
}

/** Reads one transaction of the list; `undefined` when it lacks an id, an amount or a creation time. */
export function readCreditTransaction(item: unknown): CreditTransaction | undefined {
  const row = asObject(item);
  if (row === undefined) return undefined;
  const id = idString(row['id']);
  const amount = finiteNumber(row['amount']);
  const type = row['type'] === undefined ? 'usage' : row['type'];
  const { appId, description, createdAt } = row;
  if (id === undefined || typeof amount !== 'number' || typeof type !== 'string' || typeof createdAt !== 'string')
    return undefined;
  if ((appId != null && typeof appId !== 'string') || (description != null && typeof description !== 'string'))
    return undefined;
  return { id, type, amount, appId: appId ?? 'unknown', description: description ?? '', createdAt };
}
