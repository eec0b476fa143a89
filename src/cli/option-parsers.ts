import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../durations/duration.js';

// Commander calls these with the raw flag value; an InvalidArgumentError becomes
// "error: option '--max-attempts <n>' argument 'abc' is invalid. <message>".

/** `--max-attempts 5` */
export function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('Expected a whole number of 1 or more.');
  return Number(value);
}

/** `--backoff 1.5` */
export function coefficient(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 1) throw new InvalidArgumentError('Expected a number of 1 or more, e.g. 2.');
  return parsed;
}

/** `--initial-interval 500ms` → milliseconds */
export function duration(value: string): number {
  const parsed = parseDuration(value);
  if (parsed === undefined) throw new InvalidArgumentError('Expected a duration such as 500ms, 5s, 10m or 2h.');
  return parsed;
}

/** Repeatable flags: `--non-retryable A --non-retryable B` */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--since 2026-11-22T00:00:00Z` → Date */
export function isoDate(value: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('Expected an ISO 8601 date or time, e.g. 2026-11-22 or 2026-11-22T08:00:00Z.');
  }
  return new Date(value);
}

/** `--since 24h` (that long ago) or an ISO date. */
export function pointInTime(value: string): Date {
  const ago = parseDuration(value);
  if (ago !== undefined && !/^\d+$/.test(value.trim())) return new Date(Date.now() - ago);
  try {
    return isoDate(value);
  } catch {
    throw new InvalidArgumentError('Expected a duration ago such as 24h or 7d, or an ISO 8601 date such as 2026-11-22.');
  }
}

/** `--rate 12.5` */
export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('Expected a number above 0, e.g. 50 or 0.5.');
  return parsed;
}

/** `--jitter 0.2` */
export function fraction(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) throw new InvalidArgumentError('Expected a number from 0 to 1, e.g. 0.2.');
  return parsed;
}

/** `--retry-delays 10s,1m,10m` → milliseconds */
export function durationList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const parsed = parts.map((part) => parseDuration(part));
  if (parts.length === 0 || parsed.some((delay) => delay === undefined)) {
    throw new InvalidArgumentError('Expected durations separated by commas, e.g. 10s,1m,10m.');
  }
  return parsed as number[];
}
