/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package) on 127.0.0.1, with its development login
 * and consent pages. Any login is accepted; the login is the user's e-mail address, and `groups` come from the map
 * the test sets. Claims go into the ID token, as the control plane reads them there.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export type TestOidcProvider = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** login (e-mail) → groups claim; users not listed have none. */
  groups: Map<string, string[]>;
  close(): Promise<void>;
};

export async function startOidcProvider(redirectUri: string): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = "hermes-console";
  const clientSecret = "test-oidc-client-secret-0123456789";
  const groups = new Map<string, string[]>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["groups"] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    cookies: { keys: ["test-cookie-key-not-secret"] },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: id, email_verified: true, groups: groups.get(id) ?? [] }),
    }),
  });
  server.on("request", provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    groups,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
