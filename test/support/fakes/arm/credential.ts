import type { AccessToken, TokenCredential } from '@azure/identity';

/** Stands in for the managed identity: hands out a fixed bearer token and remembers which scopes were asked for. */
export class FakeTokenCredential implements TokenCredential {
  readonly scopesRequested: string[] = [];
  constructor(readonly token: string) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopesRequested.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
  }
}
