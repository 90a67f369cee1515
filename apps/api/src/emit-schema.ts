import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGraphQLSchema, printSortedSchema } from './schema';

/** Writes the SDL that packages/schema commits and the web app's codegen reads. */
async function run(): Promise<void> {
  const target = path.resolve(process.argv[2] ?? 'schema.graphql');
  writeFileSync(target, printSortedSchema(await buildGraphQLSchema()));
  console.log(`schema written to ${target}`);
}

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
