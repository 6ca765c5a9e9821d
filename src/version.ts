// The package version, reported by `dynamo-router-check --version` and in the action's first log
// line. A unit test keeps it equal to package.json (the build's rootDir cannot import that file).
export const VERSION = '0.1.0';
