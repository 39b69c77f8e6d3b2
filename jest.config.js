/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  modulePathIgnorePatterns: ["<rootDir>/__tests__/fixtures/", "<rootDir>/examples/"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
};
