import type { UmamiFixtureTotals } from './umami-shapes.js';

/** A website the stand-in serves, with the figures it answers for any range. */
export interface UmamiFixtureWebsite {
  readonly id: string;
  readonly name: string;
  readonly domain?: string | null;
  readonly current?: UmamiFixtureTotals;
  readonly previous?: UmamiFixtureTotals;
  readonly active?: number;
  /** Page views per day, cycled over the asked range (sessions are half of it). */
  readonly daily?: readonly number[];
  /** Rows per metric type (`path`/`url` share `page`). */
  readonly metrics?: Readonly<Record<string, readonly { readonly x: string | null; readonly y: number }[]>>;
}

/** All-zero totals (a website without traffic). */
export const ZERO_TOTALS: UmamiFixtureTotals = { pageviews: 0, visitors: 0, visits: 0, bounces: 0, totaltime: 0 };

/** Two websites with plausible figures, the default fixture. */
export const DEFAULT_UMAMI_WEBSITES: readonly UmamiFixtureWebsite[] = [
  {
    id: '3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10',
    name: 'chat.mana.how',
    domain: 'chat.mana.how',
    current: { pageviews: 12040, visitors: 2301, visits: 3120, bounces: 1200, totaltime: 250000 },
    previous: { pageviews: 10000, visitors: 2000, visits: 2900, bounces: 1300, totaltime: 200000 },
    active: 7,
    daily: [400, 380, 420, 390, 510, 300, 280],
    metrics: {
      page: [
        { x: '/', y: 5000 },
        { x: '/login', y: 1200 },
        { x: '/chat', y: 900 },
      ],
      referrer: [
        { x: null, y: 800 },
        { x: 'google.com', y: 500 },
        { x: 'github.com', y: 120 },
      ],
      browser: [
        { x: 'chrome', y: 1500 },
        { x: 'firefox', y: 600 },
      ],
    },
  },
  {
    id: '9b1d3c5e-7f20-4a6b-8c9d-1e2f3a4b5c6d',
    name: 'todo.mana.how',
    domain: 'todo.mana.how',
    current: { pageviews: 300, visitors: 80, visits: 95, bounces: 40, totaltime: 9000 },
    previous: { pageviews: 0, visitors: 0, visits: 0, bounces: 0, totaltime: 0 },
    active: 0,
    daily: [10, 0, 50],
    metrics: { page: [{ x: '/', y: 200 }], referrer: [] },
  },
];
