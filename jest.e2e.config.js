/** The end-to-end suite (npm run test:e2e): builds images in a real Docker engine, one at a time. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/e2e"],
  testMatch: ["**/*.e2e.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 30 * 60 * 1000,
  maxWorkers: 1,
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
};
