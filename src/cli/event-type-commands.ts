import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidEventTypeError, listEventTypes, registerEventType, removeEventType } from '../catalog/event-type-store.js';
import { exitWith } from './exit-with.js';
import { positiveInteger } from './option-parsers.js';
import { printTable } from './print-table.js';
import { withDatabase } from './with-database.js';

/**
 * `outbox event-types add|list|remove`: the event-type catalog, each type's versions with the
 * JSON Schema its payloads must satisfy (checked by the workers before delivery).
 *
 * @example
 * registerEventTypeCommands(new Command('outbox'));
 */
export function registerEventTypeCommands(program: Command): void {
  const types = program.command('event-types').description('the event-type catalog: JSON Schemas payloads must satisfy before they are delivered');
  types
    .command('add')
    .description('register (or replace) a version of an event type with its JSON Schema')
    .argument('<type>', 'e.g. order.created')
    .requiredOption('--schema <file>', 'a JSON Schema file (draft 2020-12; zod 4 writes these)')
    .option('--event-version <n>', 'the event_version it describes', positiveInteger, 1)
    .option('--description <text>', 'what the event means, for consumers')
    .option('--deprecated', 'mark this version deprecated (still checked)')
    .action(async (type: string, flags: { schema: string; eventVersion: number; description?: string; deprecated?: boolean }) => {
      let schema: unknown;
      try {
        schema = JSON.parse(await readFile(flags.schema, 'utf8'));
      } catch (error) {
        process.stderr.write(`error: --schema ${flags.schema}: ${(error as Error).message}; give a JSON file\n`);
        return exitWith(false);
      }
      try {
        const saved = await withDatabase((db) =>
          registerEventType(db, {
            type,
            version: flags.eventVersion,
            schema: schema as Record<string, unknown>,
            ...(flags.description && { description: flags.description }),
            deprecated: flags.deprecated === true,
          }),
        );
        console.log(`registered ${saved.type} v${saved.version}${saved.deprecated ? ' (deprecated)' : ''}; workers check its payloads within 10 s`);
      } catch (error) {
        if (!(error instanceof InvalidEventTypeError)) throw error;
        process.stderr.write(`error: ${error.message}\n`);
        exitWith(false);
      }
    });
  types
    .command('list')
    .description('list the catalog')
    .option('--json', 'print as JSON, schemas included')
    .action(async (flags: { json?: boolean }) => {
      const all = await withDatabase((db) => listEventTypes(db));
      if (flags.json) return void console.log(JSON.stringify(all, null, 2));
      if (all.length === 0) return void console.log('no event types registered; payloads are not checked (outbox event-types add TYPE --schema FILE)');
      printTable(
        ['TYPE', 'VERSION', 'DEPRECATED', 'DESCRIPTION'],
        all.map((entry) => [entry.type, String(entry.version), entry.deprecated ? 'yes' : '-', entry.description ?? '-']),
      );
    });
  types
    .command('remove')
    .description('remove a type (every version, or one with --event-version); its payloads are no longer checked')
    .argument('<type>')
    .option('--event-version <n>', 'only this version', positiveInteger)
    .action(async (type: string, flags: { eventVersion?: number }) => {
      const removed = await withDatabase((db) => removeEventType(db, type, flags.eventVersion));
      if (removed > 0) console.log(`removed ${removed} version(s) of ${type}`);
      else process.stderr.write(`error: no event type ${type}${flags.eventVersion ? ` v${flags.eventVersion}` : ''}; see \`outbox event-types list\`\n`);
      exitWith(removed > 0);
    });
}
