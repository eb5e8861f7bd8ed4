export async function runSubs(_options: { quick: boolean }): Promise<string> {
  return "pending";
}
