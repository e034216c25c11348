//! `/graphql/ws`: graphql-ws (`graphql-transport-ws`) connections that follow their session.
//!
//! A connection signs in with `connection_init` (`{"Authorization": "Bearer <accessToken>"}`). From then
//! on it lives only as long as its session and its token: each operation is checked again (in the
//! schema guard), and the connection is closed with 4403 and a reason as soon as the session ends (an
//! event heard from any server process), the token expires, or a check fails. A refused
//! `connection_init` closes with 4403 too; the reason says whether the token was missing or invalid.
//! A client with a fresh token opens a new connection.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use async_graphql::{
    futures_util::{SinkExt, StreamExt, future},
    http::{ALL_WEBSOCKET_PROTOCOLS, WebSocket as GraphqlWebSocket, WebSocketProtocols, WsMessage},
};
use async_graphql_axum::GraphQLProtocol;
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    response::Response,
};
use tokio::sync::{broadcast::error::RecvError, oneshot};

use super::{AppState, ClientAddress, bearer};
use crate::{
    error::{AppError, Unauthenticated},
    events::SessionEnded,
    graphql::{
        Caller, RequestContext,
        context::{CloseReason, SocketSession},
    },
    metrics,
    service::Services,
};

/// The close code of graphql-ws for a refused or ended authorisation.
const FORBIDDEN: u16 = 4403;

/// How often an open connection compares its token's expiry with the clock.
const TICK: Duration = Duration::from_secs(1);

/// How many ticks between checks of the session in the database, in case an event was missed.
const RECHECK_TICKS: u32 = 30;

/// What a signed-in connection watches.
struct Watch {
    socket: Arc<SocketSession>,
    user_id: uuid::Uuid,
    session_id: uuid::Uuid,
    expires_at: i64,
}

/// `GET /graphql/ws`.
pub(super) async fn graphql_ws(
    State(state): State<Arc<AppState>>,
    axum::Extension(client): axum::Extension<ClientAddress>,
    _offered: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS);
    // The extractor above refused a request offering no protocol of ours; this is the one chosen.
    let protocol = upgrade
        .selected_protocol()
        .and_then(|p| p.to_str().ok())
        .and_then(|p| p.parse::<WebSocketProtocols>().ok())
        .unwrap_or(WebSocketProtocols::GraphQLWS);
    upgrade.on_upgrade(move |socket| serve(state, client, protocol, socket))
}

async fn serve(state: Arc<AppState>, client: ClientAddress, protocol: WebSocketProtocols, socket: WebSocket) {
    let (mut sink, stream) = socket.split();
    let input = stream.take_while(|message| future::ready(message.is_ok())).filter_map(|message| {
        future::ready(match message {
            Ok(message @ (Message::Text(_) | Message::Binary(_))) => Some(message.into_data()),
            _ => None,
        })
    });
    // Heard from the start, so no ended session slips between sign-in and watching.
    let ends = state.services.subscribe_session_ends();
    let refused = Arc::new(AtomicBool::new(false));
    let (signed_in, watch) = oneshot::channel();
    let init = {
        let (state, refused) = (state.clone(), refused.clone());
        move |payload| sign_in(state, client, refused, signed_in, payload)
    };
    let messages =
        GraphqlWebSocket::new(state.socket_schema.clone(), input, protocol).on_connection_init(init);
    let ended = follow_session(state.services.clone(), watch, ends);
    forward_until_closed(messages, ended, &mut sink, &refused).await;
}

/// Forwards the protocol's messages until it ends or the session does; then closes.
async fn forward_until_closed(
    messages: impl async_graphql::futures_util::Stream<Item = WsMessage>,
    ended: impl Future<Output = &'static str>,
    sink: &mut (impl async_graphql::futures_util::Sink<Message> + Unpin),
    refused: &AtomicBool,
) {
    tokio::pin!(messages, ended);
    loop {
        tokio::select! {
            message = messages.next() => match message {
                None => return,
                Some(WsMessage::Text(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    // async-graphql closes a refused `connection_init` with 1002 (a protocol error, which
                    // clients retry); the protocol's word for it is 4403.
                    let code = if code == 1002 && refused.load(Ordering::SeqCst) { FORBIDDEN } else { code };
                    let _ = sink.send(close(code, &reason)).await;
                    return;
                }
            },
            reason = &mut ended => {
                let _ = sink.send(close(FORBIDDEN, reason)).await;
                return;
            }
        }
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
}

/// The `connection_init` handler: authenticates the payload's token and hands the session to watch.
async fn sign_in(
    state: Arc<AppState>,
    client: ClientAddress,
    refused: Arc<AtomicBool>,
    signed_in: oneshot::Sender<Watch>,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let refuse = |reason| {
        refused.store(true, Ordering::SeqCst);
        Err(AppError::Unauthenticated(reason).into())
    };
    // `{"Authorization": "Bearer <token>"}`, as the header would say, or `{"token": "<token>"}`.
    let authorization = ["Authorization", "authorization"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(|v| v.as_str()))
        .map(|value| bearer(value).unwrap_or_default());
    let Some(token) = authorization.or_else(|| payload.get("token").and_then(|v| v.as_str())) else {
        return refuse(Unauthenticated::NoToken);
    };
    let Some((actor, claims)) = state.services.sessions().authenticate_with_claims(token).await? else {
        return refuse(Unauthenticated::InvalidToken);
    };
    let socket = Arc::new(SocketSession::new(token.to_owned()));
    let watch =
        Watch { socket: socket.clone(), user_id: claims.sub, session_id: claims.sid, expires_at: claims.exp };
    let _ = signed_in.send(watch);
    let context =
        RequestContext::new(Caller::User(actor), state.services.clone(), client.0).on_socket(socket);
    let mut data = async_graphql::Data::default();
    data.insert(context);
    Ok(data)
}

/// Resolves, with the reason, when the signed-in connection must close: its session ended (heard from
/// any process, or found in the database), its token expired, or an operation's check failed. Never
/// resolves before sign-in.
async fn follow_session(
    services: Arc<Services>,
    watch: oneshot::Receiver<Watch>,
    mut ends: tokio::sync::broadcast::Receiver<SessionEnded>,
) -> &'static str {
    let Ok(watch) = watch.await else { return std::future::pending().await };
    let clock = services.auth().clock.clone();
    let mut tick = tokio::time::interval(TICK);
    let mut ticks = 0;
    let reason = loop {
        tokio::select! {
            end = ends.recv() => match end {
                Ok(end) if end.ends(watch.user_id, watch.session_id) => break CloseReason::SessionEnded,
                // Something may have ended unheard: ask the database at the next tick.
                Ok(end) if end.is_unknown() => ticks = RECHECK_TICKS,
                Ok(_) => {}
                // Too many events to keep up with: ask the database instead.
                Err(RecvError::Lagged(_)) => ticks = RECHECK_TICKS,
                Err(RecvError::Closed) => return std::future::pending().await,
            },
            _ = tick.tick() => {
                if clock.now().timestamp() >= watch.expires_at {
                    break CloseReason::TokenExpired;
                }
                ticks += 1;
                if ticks >= RECHECK_TICKS {
                    ticks = 0;
                    if let Ok(None) = services.sessions().authenticate_in_database(watch.socket.token()).await {
                        break CloseReason::SessionEnded;
                    }
                }
            },
            reason = watch.socket.closed() => break reason,
        }
    };
    metrics::socket_closed(reason.label());
    reason.text()
}
