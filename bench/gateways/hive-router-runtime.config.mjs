// Hive Gateway with the Rust query planner (@graphql-hive/router-runtime).
// De-duplication as in hive.config.mjs: off unless BENCH_DEDUP=1.
import { defineConfig } from '@graphql-hive/gateway';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';

const deduplicate = process.env.BENCH_DEDUP === '1';

export const gatewayConfig = defineConfig({
  unifiedGraphHandler,
  transportEntries: { '*': { options: { deduplicateInflightRequests: deduplicate } } },
});
