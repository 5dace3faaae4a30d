#!/bin/bash
# A stand-in for a desktop VS Code executable, for @vscode/test-electron's runTests({vscodeExecutablePath}):
# takes VS Code's CLI arguments (--extensionDevelopmentPath, --extensionTestsPath, --user-data-dir,
# --extensions-dir, the folder) and runs the tests in code-server through the workbench payload.
cd "$(dirname "$0")/../../.." || exit 2
exec node --import tsx test/extension/e2e/shim-run.ts "$@"
