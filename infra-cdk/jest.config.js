// Jest runs the TypeScript tests through ts-jest. `isolatedModules: true` in tsconfig.json makes
// ts-jest transpile each file on its own (fast); `npm run typecheck` is the type check.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The book's "Build it" tests fail until the reader's change is made: only BLOG_BUILD_IT=1
  // runs them.
  testPathIgnorePatterns: process.env.BLOG_BUILD_IT ? ['/node_modules/'] : ['/node_modules/', '/test/build-it/'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Synthesizes the stack once for every test file, unless BLOG_TEMPLATE names a template
  // that `cdk synth` already wrote.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // A snapshot is never written by a plain run: `npx jest -u` updates it on purpose.
  ci: true,
};
