// Runs @apollo/gateway over a supergraph SDL composed elsewhere (by our composer),
// optionally serving three small fixture subgraphs with @apollo/subgraph first.
// Input (a JSON file named by the first argument): {"supergraph": sdl, "gatewayPort": n,
//   "subgraphs": {"users": {"port": n, "sdl": ...}, ...}}   ("subgraphs" optional)
// The gateway forwards the client's Authorization header to every subgraph.
// Prints "READY" on stdout once the gateway has loaded the supergraph.
'use strict';

const fs = require('fs');
const { ApolloServer } = require('@apollo/server');
const { startStandaloneServer } = require('@apollo/server/standalone');
const { buildSubgraphSchema } = require('@apollo/subgraph');
const { ApolloGateway, RemoteGraphQLDataSource } = require('@apollo/gateway');
const { parse } = require('graphql');

const USERS = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Linus' },
];
const PRODUCTS = [
  { upc: 'p1', name: 'Laptop', price: 1200 },
  { upc: 'p2', name: 'Mouse', price: 25 },
];
const ORDERS = [
  { id: 'o1', buyerId: 'u1', upcs: ['p1', 'p2'] },
  { id: 'o2', buyerId: 'u2', upcs: ['p2'] },
];

const RESOLVERS = {
  users: {
    Query: { users: () => USERS },
    User: { __resolveReference: (ref) => USERS.find((u) => u.id === ref.id) },
  },
  products: {
    Query: { topProducts: () => PRODUCTS },
    Product: { __resolveReference: (ref) => PRODUCTS.find((p) => p.upc === ref.upc) },
  },
  orders: {
    Order: {
      __resolveReference: (ref) => ORDERS.find((o) => o.id === ref.id),
      buyer: (order) => ({ __typename: 'User', id: order.buyerId }),
      items: (order) => order.upcs.map((upc) => ({ __typename: 'Product', upc })),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      orders: (user) => ORDERS.filter((o) => o.buyerId === user.id),
    },
  },
};

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  for (const [name, subgraph] of Object.entries(config.subgraphs || {})) {
    const server = new ApolloServer({
      schema: buildSubgraphSchema({ typeDefs: parse(subgraph.sdl), resolvers: RESOLVERS[name] }),
    });
    await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: subgraph.port } });
  }
  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraph,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http.headers.set('authorization', context.authorization);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  await startStandaloneServer(server, {
    listen: { host: '127.0.0.1', port: config.gatewayPort },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  process.stdout.write('READY\n');
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + '\n');
  process.exit(1);
});
