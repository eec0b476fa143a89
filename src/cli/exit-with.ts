/**
 * How every command sets its exit code: a command that reports partial failure returns `false`
 * (exit 1) or an exit code, rather than throwing; a thrown error is printed by main (exit 1).
 *
 * @example
 * exitWith(await removeSubscriptionCommand(name));
 * exitWith(await temporalCommand(args)); // the temporal CLI's own code
 */
export function exitWith(outcome: boolean | number): void {
  const code = typeof outcome === 'number' ? outcome : outcome ? 0 : 1;
  if (code !== 0) process.exitCode = code;
}
