// `pnpm test:security`: the slow runs against real processes (test/faults), one file at a time.
const base = require('./jest.config.cjs');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180_000,
  maxWorkers: 1,
  // These runs start servers, sockets and child processes of their own; a handle one of them
  // leaves open (an SMTP listener, a socket's keep-alive) must not keep CI waiting once all passed.
  forceExit: true,
};
