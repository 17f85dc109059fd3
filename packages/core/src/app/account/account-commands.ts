import { arg, defineCommand, type Command, type CommandContext } from '../../commands/index.js';
import { StatsError } from '../../errors/index.js';
import { createFormatter } from '../../reports/index.js';
import { userKey, type DeviceLogin, type SessionManager } from '../../sessions/index.js';
import type { AuthServiceClient, CreditBalance, CreditTransaction } from '../../sources/index.js';
import {
  aggregateUsage,
  deviceLoginReport,
  loggedInReport,
  mystatsReport,
  statusReport,
  type ReportFormat,
} from './account-reports.js';
import { createLoginLimiter, type LoginLimiter } from './login-limiter.js';

/** Options of {@link createAccountCommands}. */
export interface AccountCommandsOptions {
  readonly manager: SessionManager;
  /** Reads credits for `status` and `mystats` (the auth service client). */
  readonly credits?: Pick<AuthServiceClient, 'balance' | 'transactions'> | undefined;
  /**
   * The brute-force limit (default in memory: 5 attempts per chat user and 10 per e-mail per
   * 15 minutes). With several replicas pass {@link createRedisLoginLimiter}.
   */
  readonly limiter?: LoginLimiter;
  /** The longest a device login may wait for the user, ms (default 15 minutes). */
  readonly deviceLoginTimeoutMs?: number;
  /** Pages of 100 transactions read at most for `mystats` (default 10). */
  readonly maxTransactionPages?: number;
}

const DAY = 86_400_000;
const format = (ctx: CommandContext<unknown>): ReportFormat =>
  createFormatter(ctx.settings.locale.toLowerCase().startsWith('de') ? 'de' : 'en', ctx.settings.timeZone);

async function usage(
  credits: NonNullable<AccountCommandsOptions['credits']>,
  token: string,
  since: number,
  pages: number,
  signal: AbortSignal,
): Promise<CreditTransaction[]> {
  const all: CreditTransaction[] = [];
  for (let page = 0; page < pages; page++) {
    const batch = await credits.transactions(token, { limit: 100, offset: page * 100 }, { signal });
    all.push(...batch);
    const oldest = Math.min(...batch.map((t) => Date.parse(t.createdAt)).filter((n) => !Number.isNaN(n)));
    if (batch.length < 100 || oldest < since) break;
  }
  return all;
}

/**
 * The account commands: `login` (direct rooms only; its message is sensitive), `logout`,
 * `status` and `mystats` (session commands, answered privately). With a device-flow provider,
 * `login` without arguments starts a device login and no password is typed at all.
 *
 * @example
 * const bot = createBot({ adapters, sessions: manager, commands: createAccountCommands({ manager }) });
 */
export function createAccountCommands(options: AccountCommandsOptions): Command[] {
  const { manager, credits } = options;
  const limiter = options.limiter ?? createLoginLimiter();
  const device = manager.deviceProvider;
  const deviceTimeout = options.deviceLoginTimeoutMs ?? 15 * 60_000;
  const email = arg.string('your e-mail address', { maxLength: 320 });
  const password = arg.string('your password (direct messages only)', { maxLength: 1000, secret: true });

  /**
   * One device login per chat user: a second `login` while one waits for confirmation answers
   * the same link and code (no new authorization, no second poller) instead of starting over.
   */
  const deviceFlows = new Map<string, Promise<DeviceLogin>>();

  const login = defineCommand({
    name: 'login',
    category: 'Account',
    summary: device
      ? 'Log in (direct message only; without arguments: by link and code)'
      : 'Log in with e-mail and password (direct message only)',
    where: 'direct-only',
    sensitive: true,
    rateLimit: false,
    ...(device ? { timeoutMs: deviceTimeout } : {}),
    args: device ? { email: email.optional(), password: password.optional() } : { email, password },
    run: async (ctx) => {
      const user = ctx.message.sender;
      const f = format(ctx);
      const given = ctx.args as { email?: string | undefined; password?: string | undefined };
      if (given.email === undefined && given.password === undefined && device?.startDeviceLogin) {
        const key = userKey(user);
        const running = deviceFlows.get(key);
        if (running !== undefined) return deviceLoginReport(await running, f, true);
        const starting = device.startDeviceLogin({ signal: ctx.signal });
        deviceFlows.set(key, starting);
        try {
          const started = await starting;
          await ctx.reply(deviceLoginReport(started, f));
          const result = await started.wait({ signal: ctx.signal });
          return loggedInReport(await manager.adopt(user, result, device.name), f);
        } finally {
          deviceFlows.delete(key);
        }
      }
      if (given.email === undefined || given.password === undefined) {
        throw new StatsError(
          'bad_args',
          'login without e-mail or password',
          format(ctx).t('Usage: {prefix}login <email> <password>', { prefix: ctx.settings.prefix }),
        );
      }
      // Reserved before the auth service is asked, so concurrent attempts cannot all pass.
      const reservation = await limiter.reserve({ user, email: given.email });
      if (!reservation.ok) {
        const minutes = Math.max(1, Math.ceil(reservation.retryAfterMs / 60_000));
        ctx.logger.warn({ retryAfterMs: reservation.retryAfterMs }, 'login refused by the brute-force limit');
        throw new StatsError(
          'rate_limited',
          'login blocked by the brute-force limit',
          format(ctx).t('Too many login attempts, try again in {minutes} min.', { minutes: String(minutes) }),
        );
      }
      try {
        const session = await manager.login(
          user,
          { email: given.email, password: given.password },
          { signal: ctx.signal },
        );
        await reservation.succeeded();
        ctx.logger.info({ account: session.account.id }, 'user logged in');
        return loggedInReport(session, f);
      } catch (err) {
        if (err instanceof StatsError && err.code === 'auth') await reservation.failed();
        else await reservation.released();
        throw err;
      }
    },
  });

  const logout = defineCommand({
    name: 'logout',
    category: 'Account',
    summary: 'Log out and forget your session',
    auth: 'session',
    private: true,
    run: async (ctx) => {
      await manager.logout(ctx.message.sender, { signal: ctx.signal });
      return format(ctx).t('Logged out. Your session is deleted on this bot and on the auth service.');
    },
  });

  const status = defineCommand({
    name: 'status',
    category: 'Account',
    summary: 'Your account, credit balance and session',
    auth: 'session',
    private: true,
    run: async (ctx) => {
      let balance: CreditBalance | undefined;
      let problem: string | undefined = credits === undefined ? format(ctx).t('not configured') : undefined;
      if (credits !== undefined) {
        try {
          balance = await credits.balance(ctx.session.accessToken, { signal: ctx.signal });
        } catch (err) {
          problem = err instanceof StatsError ? err.userMessage : format(ctx).t('the auth service failed');
          ctx.logger.warn({ err }, 'credit balance unavailable');
        }
      }
      return statusReport(ctx.session, balance, problem, format(ctx));
    },
  });

  const mystats = defineCommand({
    name: 'mystats',
    category: 'Account',
    summary: 'Your credit use of the last 30 days per app',
    auth: 'session',
    private: true,
    run: async (ctx) => {
      if (credits === undefined)
        throw new StatsError(
          'config',
          'mystats without the auth service',
          format(ctx).t('Personal statistics need the auth service (set AUTH_URL).'),
        );
      const since = ctx.now() - 30 * DAY;
      const list = await usage(credits, ctx.session.accessToken, since, options.maxTransactionPages ?? 10, ctx.signal);
      return mystatsReport(ctx.session, aggregateUsage(list, since), format(ctx));
    },
  });

  return [login, logout, status, mystats];
}
