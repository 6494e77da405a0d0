const transform = {
  "^.+\\.[jt]sx?$": [
    "@swc/jest",
    {
      jsc: { parser: { syntax: "typescript", decorators: true }, transform: { decoratorMetadata: true } },
      // Keep import() native so tests can load the ESM demo scripts (scripts/*.mjs).
      module: { type: "commonjs", ignoreDynamic: true },
    },
  ],
}
const common = {
  transform,
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/", "<rootDir>/demo/app/.medusa/"],
}

module.exports = {
  projects: [
    { ...common, displayName: "unit", testMatch: ["<rootDir>/src/**/__tests__/**/*.unit.spec.ts"] },
    {
      ...common,
      displayName: "integration",
      testMatch: ["<rootDir>/integration-tests/**/*.spec.ts"],
      setupFiles: ["<rootDir>/integration-tests/setup.js"],
      globalSetup: "<rootDir>/integration-tests/peers/global-setup.js",
      globalTeardown: "<rootDir>/integration-tests/peers/global-teardown.js",
    },
  ],
}
