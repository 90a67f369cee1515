#!/usr/bin/env node
// Fails (exit 1) when the public schema breaks what clients of an earlier version rely on.
//
//   node packages/schema/scripts/breaking-changes.mjs --base origin/main   # against a git ref
//   node packages/schema/scripts/breaking-changes.mjs --old old.graphql    # against a file
//   [--new path]  the schema to check (default: packages/schema/schema.graphql)
//
// graphql-js's own findBreakingChanges decides what breaks (a removed type or field, a changed
// argument or field type, a new required argument or input field, a removed enum value...);
// dangerous changes (e.g. a new enum value, an argument default changed) are printed, not failed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemaFile = path.resolve(here, '..', 'schema.graphql');

/** @param {string} message @returns {never} */
function usage(message) {
  console.error(
    `${message}\nusage: breaking-changes.mjs (--base <git ref> | --old <file>) [--new <file>]`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
/** @param {string} name @returns {string | undefined} */
const option = (name) => {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (!value || value.startsWith('--')) usage(`${name} needs a value`);
  return value;
};
const base = option('--base');
const oldFile = option('--old');
const newFile = option('--new') ?? schemaFile;
if (!base === !oldFile) usage('give exactly one of --base and --old');

let oldSdl;
if (base) {
  const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], {
    encoding: 'utf8',
  }).trim();
  const relative = path.relative(repoRoot, schemaFile).split(path.sep).join('/');
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${base}^{commit}`], {
      stdio: 'ignore',
    });
  } catch {
    usage(`${base} is not a commit here (a shallow clone? fetch it first)`);
  }
  try {
    oldSdl = execFileSync('git', ['show', `${base}:${relative}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    // A base without the schema (its first commit) has nothing to break.
    console.log(`${relative} does not exist at ${base}: nothing to compare.`);
    process.exit(0);
  }
} else {
  oldSdl = readFileSync(oldFile, 'utf8');
}

const before = buildSchema(oldSdl);
const after = buildSchema(readFileSync(newFile, 'utf8'));
const breaking = findBreakingChanges(before, after);
const dangerous = findDangerousChanges(before, after);
const against = base ?? oldFile;

for (const change of dangerous) console.log(`dangerous: ${change.type}: ${change.description}`);
if (breaking.length > 0) {
  for (const change of breaking) console.error(`BREAKING: ${change.type}: ${change.description}`);
  console.error(
    `${breaking.length} breaking change(s) to the public schema against ${against}. ` +
      'Clients built on it would fail: add instead of changing, deprecate before removing.',
  );
  process.exit(1);
}
console.log(`No breaking change to the public schema against ${against}.`);
