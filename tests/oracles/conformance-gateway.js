// Apollo's router side of the conformance suite: one @apollo/gateway (inside an
// @apollo/server) per case, all behind one HTTP port at POST /<case>/graphql.
//
// Each case's subgraphs are composed here with @apollo/composition; the
// supergraph (routing to the fixture subgraphs under the `apollo` tag) is what
// the gateway runs and what the Python side gives our router, with the tag
// swapped, so both routers plan over the same supergraph.
'use strict';

const http = require('http');
const { composeServices } = require('@apollo/composition');
const { ApolloGateway, RemoteGraphQLDataSource } = require('@apollo/gateway');
const { ApolloServer, HeaderMap } = require('@apollo/server');
const { parse } = require('graphql');

function composeCase(caseName, spec, subgraphsBaseUrl) {
  let result;
  try {
    result = composeServices(
      Object.entries(spec.subgraphs).map(([name, sub]) => ({
        name,
        url: `${subgraphsBaseUrl}/apollo/${caseName}/${name}`,
        typeDefs: parse(sub.sdl),
      })),
    );
  } catch (e) {
    return { ok: false, errors: [String(e && e.message)] };
  }
  if (result.errors && result.errors.length) {
    return { ok: false, errors: result.errors.map((e) => e.message) };
  }
  return { ok: true, supergraph: result.supergraphSdl };
}

// Apollo Server logs through console by default; the suite reads stdout for the
// ready line, so keep the oracle's own chatter on stderr and only for errors.
const quietLogger = {
  debug() {},
  info() {},
  warn(message) {
    process.stderr.write(`gateway warn: ${message}\n`);
  },
  error(message) {
    process.stderr.write(`gateway error: ${message}\n`);
  },
};

async function startGateway(supergraphSdl) {
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: quietLogger,
    buildService: ({ url }) => new RemoteGraphQLDataSource({ url }),
  });
  const server = new ApolloServer({
    gateway,
    logger: quietLogger,
    introspection: true,
    includeStacktraceInErrorResponses: false,
  });
  await server.start();
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// Compose every case and start a gateway for each that composes.
// Returns {server, composition: {"<case>": {ok, supergraph | errors}}}.
async function createGatewayServer(cases, subgraphsBaseUrl) {
  const composition = {};
  const servers = {};
  for (const [caseName, spec] of Object.entries(cases)) {
    composition[caseName] = composeCase(caseName, spec, subgraphsBaseUrl);
    if (!composition[caseName].ok) continue;
    try {
      servers[caseName] = await startGateway(composition[caseName].supergraph);
    } catch (e) {
      composition[caseName] = { ok: false, errors: [`gateway: ${e && e.message}`] };
    }
  }

  const server = http.createServer(async (req, res) => {
    const [path, search] = req.url.split('?');
    const parts = path.split('/').filter(Boolean);
    const apollo = parts.length === 2 && parts[1] === 'graphql' ? servers[parts[0]] : undefined;
    if (!apollo) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `no gateway at ${path}` }));
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const text = await readBody(req);
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (_e) {
      body = text;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: search || '', body },
      context: async () => ({}),
    });
    const outHeaders = {};
    for (const [name, value] of response.headers) outHeaders[name] = value;
    res.writeHead(response.status || 200, outHeaders);
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  });
  return { server, composition };
}

module.exports = { createGatewayServer };
