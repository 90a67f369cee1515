// Unit tests sit beside the code (src/**/*.test.ts); integration tests in test/ start the real server.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The fault runs start their own servers and take minutes: `pnpm test:security` runs them.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // jose 6 is ESM-only: let the transform above turn it into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/)?jose[@/])'],
  testTimeout: 30000,
  maxWorkers: 2,
};
