// @apollo/gateway served by @apollo/server's standalone HTTP server, in one process.
// Usage: node apollo.mjs SUPERGRAPH_FILE PORT
// @apollo/gateway has no in-flight deduplication of subgraph requests.
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const [supergraphFile, port] = process.argv.slice(2);
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphFile, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: '127.0.0.1', port: Number(port) },
});
console.log(`ready ${url}`);
