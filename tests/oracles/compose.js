// Composes many subgraph sets with Apollo's @apollo/composition in one process.
// Input (stdin, JSON): {"<set>": [{"name": ..., "url": ..., "sdl": ...}, ...], ...}
// Output (stdout, JSON): {"<set>": {"ok": true, "supergraph": ..., "api": ...}
//                           | {"ok": false, "errors": [{"code": ..., "message": ...}]}}
'use strict';
const { composeServices } = require('@apollo/composition');
const { parse, printSchema } = require('graphql');

function composeOne(services) {
  let result;
  try {
    result = composeServices(
      services.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
    );
  } catch (e) {
    return { ok: false, errors: [{ code: 'INVALID_GRAPHQL', message: String(e && e.message) }] };
  }
  if (result.errors && result.errors.length) {
    return {
      ok: false,
      errors: result.errors.map((e) => ({
        code: (e.extensions && e.extensions.code) || 'UNKNOWN',
        message: e.message,
      })),
    };
  }
  return {
    ok: true,
    supergraph: result.supergraphSdl,
    api: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const sets = JSON.parse(input);
  const out = {};
  for (const name of Object.keys(sets)) out[name] = composeOne(sets[name]);
  process.stdout.write(JSON.stringify(out));
});
