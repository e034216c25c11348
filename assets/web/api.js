// GraphQL over HTTP to this service, and the session behind it.
//
// The access token lives in this object only (memory): it is never written anywhere, so nothing a
// page or an extension reads from storage can replay it, and it dies with the tab. The refresh token
// is kept by a `vault` the page chooses (see README, "Where the pages keep the session"). On an
// UNAUTHENTICATED answer the session is refreshed once and the request sent again; when the refresh
// is refused too, `onSessionLost` asks the person to sign in again, and the page keeps what was typed.

import { operations } from './operations.js';
import { ApiError, NETWORK } from './errors.js';

export { ApiError };

const ENDPOINT = '/graphql';

/** The body naming a registered document by its id, as servers holding leaders to them accept. */
function registeredBody(name, variables, withDocument) {
  const operation = operations[name];
  if (!operation) throw new Error(`${name} is not a registered operation`);
  const body = {
    operationName: name,
    variables,
    extensions: { persistedQuery: { version: 1, sha256Hash: operation.id } },
  };
  if (withDocument) body.query = operation.document;
  return body;
}

export class Api {
  /**
   * `vault`: `load()` → `{refreshToken, refreshExpiresAt, user}` or null, `save(session)`,
   * `clear()`. `onSessionLost(error)`: the refresh token was refused; sign in again.
   * `onNetwork(up)`: whether the last request reached the server.
   */
  constructor({ vault, onSessionLost = () => {}, onNetwork = () => {} }) {
    this.vault = vault;
    this.onSessionLost = onSessionLost;
    this.onNetwork = onNetwork;
    this.accessToken = null;
    this.refreshing = null;
  }

  /** One POST; the parsed answer, or ApiError(NETWORK) when no answer of the API came back. */
  async post(body, token) {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(ENDPOINT, {
        method: 'POST', headers, body: JSON.stringify(body), cache: 'no-store', credentials: 'omit',
      });
    } catch (err) {
      this.onNetwork(false);
      throw new ApiError(NETWORK, err?.message);
    }
    this.onNetwork(true);
    try {
      return await response.json();
    } catch {
      // A proxy's error page, or a connection cut mid-answer.
      throw new ApiError(response.status === 503 ? 'SERVICE_UNAVAILABLE' : NETWORK, `HTTP ${response.status}`);
    }
  }

  /** The current access token, after a refresh when there is none yet (a page opened anew). */
  async token() {
    if (!this.accessToken) await this.refresh();
    return this.accessToken;
  }

  /**
   * Refreshes the session: one refresh at a time in this page, and across tabs of the same page (a
   * refresh token works once; two tabs spending the same one would look like a stolen token and end
   * the session). Inside the lock the vault is read again, so a tab that refreshed first hands on
   * the new token.
   */
  refresh() {
    this.refreshing ??= (async () => {
      const work = () => this.refreshNow();
      try {
        return navigator.locks ? await navigator.locks.request('pledge-session-refresh', work) : await work();
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  async refreshNow() {
    const session = await this.vault.load();
    if (!session?.refreshToken) {
      const error = new ApiError('UNAUTHENTICATED', 'no session');
      this.onSessionLost(error);
      throw error;
    }
    const answer = await this.postRegistered('RefreshSession', { refreshToken: session.refreshToken }, null);
    const refreshed = answer.data?.refreshSession;
    if (!refreshed) {
      const error = ApiError.from(answer.errors?.[0]);
      if (error.code === 'UNAUTHENTICATED') {
        // Spent, revoked or expired: forget it, but keep who was signed in (their queue waits for them).
        await this.vault.save({ ...session, refreshToken: null });
        this.accessToken = null;
        this.onSessionLost(error);
      }
      throw error;
    }
    this.accessToken = refreshed.accessToken;
    await this.vault.save({
      ...session, refreshToken: refreshed.refreshToken, refreshExpiresAt: refreshed.refreshExpiresAt,
    });
  }

  /** A registered document by id, with `token` (or none); its text only if the server does not know the id. */
  async postRegistered(name, variables, token) {
    const answer = await this.post(registeredBody(name, variables, false), token);
    if (answer.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return answer;
    return this.post(registeredBody(name, variables, true), token);
  }

  /**
   * Sends `body` with the access token; on UNAUTHENTICATED refreshes once and sends it again. The
   * whole answer (`data` and `errors`) comes back; a network failure throws.
   */
  async send(body) {
    const token = await this.token();
    const answer = await this.post(body, token);
    if (!answer.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return answer;
    // Another request may have refreshed meanwhile: only refresh if the token is still the one refused.
    if (this.accessToken === token) {
      this.accessToken = null;
      await this.refresh();
    }
    const again = await this.post(body, this.accessToken);
    if (again.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      const error = ApiError.from(again.errors[0]);
      this.onSessionLost(error);
      throw error;
    }
    return again;
  }

  /** A registered operation, with the session. */
  async registered(name, variables = {}) {
    const answer = await this.send(registeredBody(name, variables, false));
    if (answer.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return answer;
    return this.send(registeredBody(name, variables, true));
  }

  /** An ad-hoc query (officials' pages; leaders' pages send registered documents only). */
  query(document, variables = {}) {
    return this.send({ query: document, variables });
  }

  /** Signs in; the user comes back, the session is kept. Wrong credentials throw UNAUTHENTICATED. */
  async login(username, password) {
    const answer = await this.postRegistered('Login', { input: { username, password } }, null);
    const login = answer.data?.login;
    if (!login) throw ApiError.from(answer.errors?.[0]);
    this.accessToken = login.accessToken;
    await this.vault.save({
      refreshToken: login.refreshToken, refreshExpiresAt: login.refreshExpiresAt, user: login.user,
    });
    return login.user;
  }

  /**
   * Ends the session on the server (every token of it stops working at once) and forgets it here.
   * Without network it is forgotten here only, and the refresh token dies at its expiry.
   */
  async logout() {
    try {
      const session = await this.vault.load();
      if (session?.refreshToken) {
        await this.postRegistered('Logout', { refreshToken: session.refreshToken }, this.accessToken);
      }
    } catch {
      // No network: nothing more can be done from here.
    } finally {
      this.accessToken = null;
      await this.vault.clear();
    }
  }
}

/** The data of `answer`, or the first error thrown as an ApiError. */
export function dataOf(answer) {
  if (answer.errors?.length) throw ApiError.from(answer.errors[0]);
  return answer.data;
}
