import { plainRenderer, textDocument } from '@stats/core';
import type { BenchRow } from '../harness.js';
import { timeCalls } from '../lib/microbench.js';
import { statsCommands } from './stats.js';
import { ROLL_ARGS, ROLL_EXPECTED } from './workload.js';

/** What parts of stats' dispatch path cost, measured alone through public APIs. */
export interface StatsBreakdown {
  /** `plainRenderer.render(textDocument('pong'))`, µs. */
  readonly renderPing: number;
  /** The same for the roll reply, µs. */
  readonly renderRoll: number;
  /** `spec.parse` of roll's three argument tokens with the specs `arg.*` built, µs. */
  readonly validateRoll: number;
}

/** Measures the parts of the path the dispatch figures contain. */
export function measureStatsBreakdown(quick: boolean): StatsBreakdown {
  const calls = quick ? 20_000 : 200_000;
  const roll = statsCommands().find((c) => c.name === 'roll');
  const specs = roll === undefined ? [] : roll.argNames.map((name) => roll.args[name]);
  const tokens = [String(ROLL_ARGS.count), String(ROLL_ARGS.sides), ROLL_ARGS.label];
  return {
    renderPing: timeCalls(() => plainRenderer.render(textDocument('pong')), calls),
    renderRoll: timeCalls(() => plainRenderer.render(textDocument(ROLL_EXPECTED)), calls),
    validateRoll: timeCalls(() => specs.map((spec, i) => spec?.parse(tokens[i])), calls),
  };
}

/** Rows for RESULTS.md. */
export function breakdownRows(b: StatsBreakdown): BenchRow[] {
  const row = (name: string, value: number, how: string): BenchRow => ({
    case: `dispatch: stats part: ${name}`,
    metric: 'µs/call (median of 5 rounds)',
    stats: value,
    better: 'lower',
    how,
    digits: 2,
  });
  return [
    row(
      'plain-text rendering of `pong`',
      b.renderPing,
      "`plainRenderer.render(textDocument('pong'))` alone, as the in-memory adapter renders every answer",
    ),
    row('plain-text rendering of the roll reply', b.renderRoll, 'the same for `rolled 3d6 for dice`'),
    row(
      "validation of roll's 3 arguments",
      b.validateRoll,
      '`spec.parse` of `3`, `6`, `dice` with the specs `arg.integer`/`arg.string` build (what the compiled validator runs per typed argument)',
    ),
  ];
}
