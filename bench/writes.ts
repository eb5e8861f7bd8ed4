// Writes: K concurrent single-record upsertAccounts mutations -> PATCH calls vs ceil(bytes / 4 MiB),
// upstream 429s, wall time vs the 1-per-second floor.
//
// PENDING: the gateway has no Mutation resolvers yet (`grep -l Mutation src/resolvers/*.ts` finds none);
// mutations land in issue 4. Until then `--only writes` prints the line below and measures nothing.
export async function runWrites(_options: { quick: boolean }): Promise<string> {
  return "pending: mutations land in issue 4";
}
