// Entry point the conformance suite starts once per test session:
//   node conformance-server.js CASES_JSON OUT_JSON
// CASES_JSON: {"<case>": {"subgraphs": {"<name>": {"sdl": ..., "data": {...}}}}}
// Serves every fixture subgraph on one port and every case's @apollo/gateway on
// another (both on 127.0.0.1, ports picked by the OS), writes
// {"subgraphsUrl", "gatewayUrl", "composition", "subgraphFailures"} to OUT_JSON
// and then prints one line "ready" on stdout.
'use strict';

const fs = require('fs');
const { createFixtureServer } = require('./fixture-subgraphs');
const { createGatewayServer } = require('./conformance-gateway');

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  const [casesPath, outPath] = process.argv.slice(2);
  const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8'));

  const fixtures = createFixtureServer(cases);
  fixtures.server.keepAliveTimeout = 60000;
  const subgraphsUrl = `http://127.0.0.1:${await listen(fixtures.server)}`;

  const buildable = Object.fromEntries(
    Object.entries(cases).filter(([name]) => !(name in fixtures.failures)),
  );
  const gateways = await createGatewayServer(buildable, subgraphsUrl);
  gateways.server.keepAliveTimeout = 60000;
  const gatewayUrl = `http://127.0.0.1:${await listen(gateways.server)}`;

  const composition = gateways.composition;
  for (const [name, reason] of Object.entries(fixtures.failures)) {
    composition[name] = { ok: false, errors: [`subgraph schema: ${reason}`] };
  }
  fs.writeFileSync(outPath, JSON.stringify({ subgraphsUrl, gatewayUrl, composition }));
  process.stdout.write('ready\n');
}

// The suite closes stdin when it is done; exit then so no process outlives it.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

main().catch((e) => {
  process.stderr.write(`conformance server failed: ${e && e.stack}\n`);
  process.exit(1);
});
