// The schema is described twice: by the migrations, and by hand for Kysely in src/db/database.ts.
// This test reads both (the migrated database's catalog, and the TypeScript interfaces through
// the compiler API) and fails naming every table or column that one has and the other lacks.
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/** `'outbox.events' → ['id', 'tenant_id', …]` from the Database interface and the table interfaces it names (src/db/). */
async function typedColumns(): Promise<Map<string, string[]>> {
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  for (const file of ['database.ts', 'management-tables.ts']) {
    const source = ts.createSourceFile(file, await readFile(new URL(`../src/db/${file}`, import.meta.url), 'utf8'), ts.ScriptTarget.Latest, true);
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
    });
  }
  const names = (node: ts.InterfaceDeclaration) =>
    node.members.filter(ts.isPropertySignature).map((member) => (member.name as ts.Identifier | ts.StringLiteral).text);
  const tables = new Map<string, string[]>();
  for (const member of interfaces.get('Database')!.members.filter(ts.isPropertySignature)) {
    const table = (member.name as ts.StringLiteral).text;
    const typeName = ((member.type as ts.TypeReferenceNode).typeName as ts.Identifier).text;
    tables.set(table, names(interfaces.get(typeName)!).sort());
  }
  return tables;
}

describe('src/db/database.ts against the migrations', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('names every table and column the migrations create, and no other', async () => {
    const { rows } = await sql<{ table: string; column: string }>`
      SELECT 'outbox.' || table_name AS table, column_name AS column FROM information_schema.columns
       WHERE table_schema = 'outbox' AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = 'outbox')
       ORDER BY 1, 2`.execute(database.db);
    const migrated = new Map<string, string[]>();
    for (const row of rows) migrated.set(row.table, [...(migrated.get(row.table) ?? []), row.column]);
    const typed = await typedColumns();
    const differences: string[] = [];
    for (const [table, columns] of typed) {
      const actual = migrated.get(table);
      if (!actual) differences.push(`${table}: in database.ts, not in the migrations`);
      else {
        for (const column of columns) if (!actual.includes(column)) differences.push(`${table}.${column}: in database.ts, not in the migrations`);
        for (const column of actual) if (!columns.includes(column)) differences.push(`${table}.${column}: in the migrations, not in database.ts`);
      }
    }
    for (const table of migrated.keys()) if (!typed.has(table)) differences.push(`${table}: in the migrations, not in database.ts`);
    expect(differences).toEqual([]);
  });
});
