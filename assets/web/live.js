// Coverage followed live: the `CoverageUpdated` subscription over /graphql/ws, in the
// graphql-transport-ws protocol (the part a subscriber needs is five message types, written out here
// rather than pulling in a library).
//
// The server closes the socket with 4403 when the session ends or the access token expires: the
// session is refreshed and a new socket opened at once. Any other close is retried with a growing
// pause. Events missed while disconnected are not replayed, so `onReconnect` lets the page read the
// report again.

import { operations } from './operations.js';

const PROTOCOL = 'graphql-transport-ws';
const SESSION_ENDED = 4403;
const LONGEST_PAUSE_MS = 30_000;

export class LiveCoverage {
  /**
   * `onEvent(row)`: a group's new coverage. `onStatus(state)`: 'connecting', 'live' or 'waiting'.
   * `onReconnect()`: live again after a break.
   */
  constructor({ api, onEvent, onStatus = () => {}, onReconnect = () => {} }) {
    Object.assign(this, { api, onEvent, onStatus, onReconnect });
    this.socket = null;
    this.variables = null;
    this.pause = 1000;
    this.timer = null;
    this.wasLive = false;
    this.generation = 0;
  }

  /** Follows `campaignId` in `wardId` (replacing what was followed; the same again changes nothing). */
  follow(campaignId, wardId) {
    if (this.variables?.campaignId === campaignId && this.variables?.wardId === wardId) return;
    this.variables = { campaignId, wardId };
    this.wasLive = false;
    this.restart();
  }

  stop() {
    this.variables = null;
    this.generation += 1;
    clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
  }

  restart() {
    this.generation += 1;
    clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
    this.connect(this.generation);
  }

  async connect(generation) {
    if (!this.variables || generation !== this.generation) return;
    this.onStatus('connecting');
    let token;
    try {
      token = await this.api.token();
    } catch {
      this.retry(generation);
      return;
    }
    if (generation !== this.generation) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/graphql/ws`, PROTOCOL);
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }));
    });
    socket.addEventListener('message', (message) => this.receive(socket, message.data));
    socket.addEventListener('close', async (event) => {
      if (generation !== this.generation) return;
      this.socket = null;
      this.onStatus('waiting');
      if (event.code === SESSION_ENDED) {
        // The token ran out or the session ended: a refresh tells which (and asks to sign in again).
        try {
          if (this.api.accessToken === token) {
            this.api.accessToken = null;
            await this.api.refresh();
          }
          this.connect(generation);
          return;
        } catch {
          // No session, or no network: try again later.
        }
      }
      this.retry(generation);
    });
  }

  retry(generation) {
    this.onStatus('waiting');
    this.timer = setTimeout(() => this.connect(generation), this.pause);
    this.pause = Math.min(this.pause * 2, LONGEST_PAUSE_MS);
  }

  receive(socket, text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    switch (message.type) {
      case 'connection_ack':
        socket.send(JSON.stringify({
          id: 'coverage',
          type: 'subscribe',
          payload: {
            operationName: 'CoverageUpdated',
            query: operations.CoverageUpdated.document,
            variables: this.variables,
          },
        }));
        this.pause = 1000;
        this.onStatus('live');
        if (this.wasLive) this.onReconnect();
        this.wasLive = true;
        break;
      case 'next':
        if (message.payload?.data?.coverageUpdated) this.onEvent(message.payload.data.coverageUpdated);
        break;
      case 'ping':
        socket.send(JSON.stringify({ type: 'pong' }));
        break;
      case 'error':
      case 'complete':
        // The subscription was refused or ended by the server: start over after a pause.
        socket.close(1000);
        break;
      default:
        break;
    }
  }
}
