// Prints each document of schema/operations/ exactly as Apollo Client 3 sends it: `__typename` added
// to every selection but the root, then graphql-js's `print`. The server registers a file under the
// SHA-256 of its text, so a file in this form is found by the hash Apollo's persisted-queries link
// computes. `node operations.mjs --write` rewrites the files; without it, a file in another form fails.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, print } from "graphql";
import { addTypenameToDocument } from "@apollo/client/utilities/index.js";

const folder = new URL("../schema/operations/", import.meta.url).pathname;
const write = process.argv.includes("--write");
let stale = 0;
for (const file of readdirSync(folder).filter((f) => f.endsWith(".graphql")).sort()) {
  const path = join(folder, file);
  const text = readFileSync(path, "utf8");
  const printed = print(addTypenameToDocument(parse(text))) + "\n";
  if (printed === text) continue;
  if (write) {
    writeFileSync(path, printed);
    console.log(`rewrote ${file}`);
  } else {
    console.error(`${file} is not in the form Apollo Client sends: run \`node clients/operations.mjs --write\``);
    stale += 1;
  }
}
process.exit(stale ? 1 : 0);
