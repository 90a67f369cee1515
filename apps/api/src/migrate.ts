import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { openDatabase } from './core/db/data-source';

/** `pnpm db:migrate`: applies pending migrations to the configured database and exits. */
async function run(): Promise<void> {
  const config = loadConfig();
  const { dataSource, applied } = await openDatabase(config.database);
  await dataSource.destroy();
  console.log(applied === 0 ? 'database is up to date' : `applied ${applied} migration(s)`);
}

run().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
