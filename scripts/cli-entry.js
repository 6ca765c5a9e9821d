#!/usr/bin/env node
// dynamo-router-check's entry (the package bin): checks the Node release before it loads the
// bundle (main.js, which needs Node 24), in syntax every Node release parses, so an older Node
// prints one line naming the release it needs instead of the bundle's source and a TypeError.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    'dynamo-router-check needs Node 24 or later; this is Node ' +
      process.versions.node +
      ' (' +
      process.execPath +
      ').\n',
  );
  process.exitCode = 1;
} else {
  import('./main.js');
}
