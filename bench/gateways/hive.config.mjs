// Hive Gateway (`hive-gateway supergraph FILE -c hive.config.mjs`) with its JavaScript planner.
// Hive's HTTP transport de-duplicates identical in-flight subgraph requests by
// default; the benchmark turns that off unless BENCH_DEDUP=1, so that every
// gateway does the same work.
import { defineConfig } from '@graphql-hive/gateway';

const deduplicate = process.env.BENCH_DEDUP === '1';

export const gatewayConfig = defineConfig({
  transportEntries: { '*': { options: { deduplicateInflightRequests: deduplicate } } },
});
