/** The query GraphiQL opens with in embedded mode: the first page of the demo chart of accounts. */
export function exampleQuery(companyId: string, erpId: string): string {
  return `# Demo data from the embedded Concur emulator. Press the run button (or Ctrl+Enter).
query ChartOfAccounts {
  erpIntegration(companyId: "${companyId}", erpId: "${erpId}") {
    erpName
    features
    accounts(first: 5) {
      edges { cursor node { id name number type } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;
}
