/**
 * The durations room: durations written as `30s`, `5m`, `2h` or milliseconds, parsed and printed
 * the same way everywhere. Imports no other room.
 */
import ms from 'ms';
import { z } from 'zod';

/**
 * A duration written the way operators write them: `250ms`, `5s`, `10m`, `2h`, `30d`, or a bare
 * number of milliseconds. Parsed to milliseconds.
 *
 * @example
 * durationMs.parse('1.5s'); // 1500
 */
export const durationMs = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const parsed = typeof value === 'number' ? value : parseDuration(value);
  if (parsed === undefined || !Number.isFinite(parsed) || parsed < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration such as 500ms, 5s, 10m or 2h, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return Math.round(parsed);
});

/** Parses `'5s'` → 5000, `'250'` → 250; returns undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (!/^\d+(\.\d+)?\s*[a-zA-Z]+$/.test(trimmed)) return undefined;
  const value = ms(trimmed as ms.StringValue) as number | undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Formats milliseconds for people: `1500` → `1.5s`, `90000` → `1.5m`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  return ms(Math.round(milliseconds));
}

/**
 * Milliseconds written exactly, in the largest unit that divides them (`90000` → `90s`,
 * `1500` → `1500ms`): unlike formatDuration, parsing it gives the same number back.
 *
 * @example
 * exactDuration(600_000); // '10m'
 */
export function exactDuration(milliseconds: number): string {
  const whole = Math.round(milliseconds);
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (whole >= size && whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}ms`;
}
