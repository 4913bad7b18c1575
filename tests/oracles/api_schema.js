// Prints Apollo's API schema for each supergraph given on stdin.
// Input (stdin, JSON): {"<name>": "<supergraph sdl>", ...}
// Output (stdout, JSON): {"<name>": {"ok": true, "api": ...} | {"ok": false, "error": ...}}
'use strict';
const { Supergraph } = require('@apollo/federation-internals');
const { printSchema } = require('graphql');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const sets = JSON.parse(input);
  const out = {};
  for (const name of Object.keys(sets)) {
    try {
      const supergraph = Supergraph.build(sets[name]);
      out[name] = { ok: true, api: printSchema(supergraph.apiSchema().toGraphQLJSSchema()) };
    } catch (e) {
      out[name] = { ok: false, error: String(e && e.message) };
    }
  }
  process.stdout.write(JSON.stringify(out));
});
