// The built package as a consumer sees it (through its own name, so the `exports` map is what
// resolves): `require` and `import` on this Node give the same classes, the Fastify entry loads
// without Fastify, nothing of the workspace or of Apollo is needed at run time, and the types
// check for CommonJS and ESM consumers (module nodenext, skipLibCheck off).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

it('require and import resolve through the exports map, to one copy of each class', () => {
  expect(
    node([
      '--input-type=module',
      '-e',
      `import { createPortalClient, PortalError, partnerAuth, withPartnerAuth } from '@partner-portal/sdk';
       import { fastifyPartnerAuth } from '@partner-portal/sdk/fastify';
       import { createRequire } from 'node:module';
       const cjs = createRequire(import.meta.url)('@partner-portal/sdk');
       console.log([typeof createPortalClient, typeof partnerAuth, typeof withPartnerAuth, typeof fastifyPartnerAuth, PortalError === cjs.PortalError].join(' '));`,
    ]),
  ).toBe('function function function function true');
});

it('loads no framework, no Apollo, no reflect-metadata and no other workspace package', () => {
  const loaded = node([
    '-e',
    `require('@partner-portal/sdk'); require('@partner-portal/sdk/fastify');
     console.log(Object.keys(require.cache).filter((p) => p.includes('node_modules')).join('\\n'));`,
  ]);
  const packages = new Set(
    loaded
      .split('\n')
      .filter(Boolean)
      .map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(p)?.[1]),
  );
  expect([...packages]).toEqual(['lru-cache']);
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  expect(Object.keys(manifest.dependencies)).toEqual(['lru-cache']);
});

it('its types check for CommonJS and ESM consumers', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  expect(() =>
    execFileSync(process.execPath, [tsc, '-p', path.join(__dirname, 'fixtures')], {
      cwd: root,
      encoding: 'utf8',
    }),
  ).not.toThrow();
}, 60_000);
