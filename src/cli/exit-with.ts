/**
 * Commands that report partial failure set the exit code rather than throwing.
 *
 * @example
 * exitWith(await removeSubscriptionCommand(name));
 */
export function exitWith(ok: boolean): void {
  if (!ok) process.exitCode = 1;
}
