import { useCallback, useEffect, useState, type FormEvent } from "react";
import { describeError, type Api, type Role, type Viewer } from "./api.js";
import { CopyButton, Problem, when } from "./ui.js";
import { graphql } from "./gql/index.js";
import type { CallerRole, ConsoleApiKeysQuery } from "./gql/graphql.js";

const KEYS = graphql(`query ConsoleApiKeys { apiKeys { keyId name role companies createdAt revokedAt } }`);
const CREATE = graphql(`mutation ConsoleCreateKey($name: String!, $role: CallerRole!, $companies: [ID!]!) {
  createApiKey(name: $name, role: $role, companies: $companies) { key apiKey { keyId } }
}`);
const REVOKE = graphql(`mutation ConsoleRevokeKey($keyId: ID!) { revokeApiKey(keyId: $keyId) { keyId revokedAt } }`);

type ApiKey = ConsoleApiKeysQuery["apiKeys"][number];

export function KeysPage({ api, viewer }: { api: Api; viewer: Viewer }) {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [problem, setProblem] = useState<string>();
  const [created, setCreated] = useState<{ keyId: string; key: string }>();
  const [confirming, setConfirming] = useState<string>();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("read");
  const [companies, setCompanies] = useState(viewer.companies.join(", "));

  const load = useCallback(async () => {
    try {
      setKeys((await api.request(KEYS)).apiKeys);
      setProblem(undefined);
    } catch (error) {
      setProblem(describeError(error));
    }
  }, [api]);
  useEffect(() => void load(), [load]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const list = companies.split(/[\s,]+/).filter(Boolean);
      const { createApiKey } = await api.request(CREATE, { name, role: role.toUpperCase() as CallerRole, companies: list });
      // The secret is held in this component's state only until dismissed: the gateway keeps a hash.
      setCreated({ keyId: createApiKey.apiKey.keyId, key: createApiKey.key });
      setName("");
      await load();
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  const revoke = async (keyId: string) => {
    setConfirming(undefined);
    try {
      await api.request(REVOKE, { keyId });
      await load();
    } catch (error) {
      setProblem(describeError(error));
    }
  };

  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h2 id="keys-title">API keys</h2>
      </div>
      <Problem text={problem} />
      {created && (
        <div className="secret" role="region" aria-label="New API key" data-testid="new-key">
          <p>
            <strong>Key {created.keyId} created.</strong> Copy it now: it is shown once and the gateway keeps only its hash.
          </p>
          <code className="wrap" data-testid="new-key-secret">
            {created.key}
          </code>
          <div className="actions">
            <CopyButton text={created.key} label="Copy key" />
            <button type="button" onClick={() => setCreated(undefined)}>
              I have stored it
            </button>
          </div>
        </div>
      )}
      <form className="create" onSubmit={(e) => void create(e)} aria-label="Create an API key">
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="e.g. ERP connector" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="read">read</option>
            <option value="write">write</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Companies (comma separated, or *)
          <input value={companies} onChange={(e) => setCompanies(e.target.value)} required />
        </label>
        <button type="submit" disabled={!name.trim()}>
          Create key
        </button>
      </form>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Key id</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Companies</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.keyId} data-testid="key-row" data-key={key.keyId}>
                <td>
                  <code>{key.keyId}</code>
                </td>
                <td className="ellipsis" title={key.name}>
                  {key.name}
                </td>
                <td>{key.role.toLowerCase()}</td>
                <td className="wrap">{key.companies.join(", ")}</td>
                <td>{when(key.createdAt)}</td>
                <td>
                  {key.revokedAt ? (
                    <span data-testid="revoked">revoked {when(key.revokedAt)}</span>
                  ) : confirming === key.keyId ? (
                    <>
                      <button type="button" className="danger" onClick={() => void revoke(key.keyId)}>
                        Confirm revoke
                      </button>{" "}
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setConfirming(key.keyId)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
