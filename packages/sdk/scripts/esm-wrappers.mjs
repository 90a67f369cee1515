// The package is built once, as CommonJS (one copy of each class: `instanceof PortalError` holds
// whichever way it is loaded). For `import`, a thin ESM file re-exports the CommonJS names, with
// .d.mts types beside it, as Node's docs suggest for a dual package without the dual hazard.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
for (const entry of ['index', 'fastify']) {
  const names = Object.keys(require(`../dist/${entry}.js`)).filter((n) => n !== '__esModule');
  writeFileSync(
    new URL(`../dist/${entry}.mjs`, import.meta.url),
    `import cjs from './${entry}.js';\nexport const { ${names.join(', ')} } = cjs;\n`,
  );
  writeFileSync(
    new URL(`../dist/${entry}.d.mts`, import.meta.url),
    `export * from './${entry}.js';\n`,
  );
}
