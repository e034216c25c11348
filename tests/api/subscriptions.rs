//! `coverageUpdated` over graphql-ws (`graphql-transport-ws`) at `/graphql/ws`: a pledge or a household
//! moving out reaches the subscriber within a second, scoped by ward and role; `connection_init` without a
//! valid token is refused; on PostgreSQL an event crosses from one server process to another.

use std::time::Duration;

use async_graphql::futures_util::{SinkExt, StreamExt};
use pledge_api::{
    entities::campaign_group_coverage as signed,
    startup::{self, Application},
};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, protocol::frame::coding::CloseCode},
};
use uuid::Uuid;

use crate::{
    drive::{VIETNAM_NOON, open_campaign, pledge_input, recorded, set_clock},
    helpers::{TestApp, create_group, create_household, create_ward, spawn_app, unknown_id},
};

/// How long a subscriber may wait for an event.
pub const WITHIN: Duration = Duration::from_secs(1);

const SUBSCRIPTION: &str = "subscription($campaignId: ID!, $wardId: ID) {
    coverageUpdated(campaignId: $campaignId, wardId: $wardId) { group { code } totalHouseholds signedHouseholds }
}";

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/graphql/ws` of the server at `address` with the `graphql-transport-ws` subprotocol.
pub async fn open(address: &str) -> Socket {
    let url = format!("{}/graphql/ws", address.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("a WebSocket request");
    request.headers_mut().insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse().expect("header"));
    let (socket, response) = tokio_tungstenite::connect_async(request).await.expect("WebSocket handshake");
    assert_eq!(
        response.headers().get("sec-websocket-protocol").map(|v| v.to_str().expect("ASCII")),
        Some("graphql-transport-ws")
    );
    socket
}

pub async fn send(socket: &mut Socket, message: Value) {
    socket.send(Message::text(message.to_string())).await.expect("message sent");
}

/// The next message within `WITHIN`: `Some` frame, or `None` when nothing came in time.
pub async fn next_within(socket: &mut Socket) -> Option<Message> {
    match tokio::time::timeout(WITHIN, socket.next()).await {
        Ok(Some(message)) => Some(message.expect("a readable frame")),
        Ok(None) => panic!("the socket ended"),
        Err(_) => None,
    }
}

/// The next text message as JSON within `WITHIN`, skipping pings; `None` when nothing came in time.
pub async fn next_json(socket: &mut Socket) -> Option<Value> {
    loop {
        match next_within(socket).await? {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("JSON message")),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Opens a socket, signs in with `connection_init` and subscribes to `coverageUpdated` as id "1".
pub async fn subscribe(address: &str, token: &str, campaign_id: &str, ward_id: Option<&str>) -> Socket {
    let mut socket = open(address).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
    )
    .await;
    assert_eq!(next_json(&mut socket).await, Some(json!({ "type": "connection_ack" })));
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": {
            "query": SUBSCRIPTION, "variables": { "campaignId": campaign_id, "wardId": ward_id }
        } }),
    )
    .await;
    socket
}

/// The `next` message carrying this group row.
pub fn next_row(code: &str, total: i64, signed: i64) -> Value {
    json!({ "id": "1", "type": "next", "payload": { "data": { "coverageUpdated": {
        "group": { "code": code }, "totalHouseholds": total, "signedHouseholds": signed
    } } } })
}

/// Records a pledge for `household` as the administrator of `app`.
async fn pledge(app: &TestApp, household: &str, campaign: &str) {
    recorded(app, &app.admin_token, &pledge_input(&unknown_id(), household, campaign)).await;
}

/// The subscription is registered on the server some time after `subscribe` is sent, and the protocol
/// does not say when. Pledges the households one by one until an event arrives within `WITHIN`; the
/// `k`-th pledge (from 1) must then bring the row `(code, total, signed_before + k)`. Returns `k`.
pub async fn pledge_until_heard(
    app: &TestApp,
    socket: &mut Socket,
    households: &[String],
    campaign: &str,
    (code, total, signed_before): (&str, i64, i64),
) -> i64 {
    for (k, household) in (1..).zip(households) {
        pledge(app, household, campaign).await;
        let expected = next_row(code, total, signed_before + k);
        while let Some(message) = next_json(socket).await {
            if message == expected {
                return k;
            }
            // The fixture's own writes announce themselves too, and on a busy machine their events can
            // still be on the way: a row from before this pledge is one of them. Anything else is wrong.
            let signed = message["payload"]["data"]["coverageUpdated"]["signedHouseholds"].as_i64();
            assert!(
                signed.is_some_and(|signed| signed < signed_before + k),
                "{message} instead of {expected}"
            );
        }
    }
    panic!("no event after {} pledges", households.len());
}

/// Ward W1 with groups 1 (five households H101…H105) and 2 (H201, H202), ward W2 with group 21 (H2101…
/// H2104), nothing signed, and an open campaign for every ward.
struct Live {
    app: TestApp,
    lam_son: String,
    ba_dinh: String,
    group_1: String,
    group_1_households: Vec<String>,
    group_2_households: Vec<String>,
    group_21_households: Vec<String>,
    campaign: String,
}

impl Live {
    async fn build() -> Self {
        let app = spawn_app().await;
        set_clock(&app, VIETNAM_NOON);
        let lam_son = create_ward(&app, "W1", "Phường Lam Sơn").await;
        let ba_dinh = create_ward(&app, "W2", "Phường Ba Đình").await;
        let group_1 = create_group(&app, &lam_son, "1").await;
        let group_2 = create_group(&app, &lam_son, "2").await;
        let group_21 = create_group(&app, &ba_dinh, "21").await;
        let group_1_households = households(&app, &group_1, &["H101", "H102", "H103", "H104", "H105"]).await;
        let group_2_households = households(&app, &group_2, &["H201", "H202"]).await;
        let group_21_households = households(&app, &group_21, &["H2101", "H2102", "H2103", "H2104"]).await;
        let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;
        Self {
            app,
            lam_son,
            ba_dinh,
            group_1,
            group_1_households,
            group_2_households,
            group_21_households,
            campaign,
        }
    }
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).expect("a UUID")
}

/// Creates households with these codes in `group`; returns their ids in order.
async fn households(app: &TestApp, group: &str, codes: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for code in codes {
        ids.push(create_household(app, group, code, "Nguyễn Văn An").await);
    }
    ids
}

#[tokio::test]
async fn a_pledge_and_a_household_moving_out_reach_the_subscriber_of_the_ward_within_a_second() {
    // Arrange
    let live = Live::build().await;
    let app = &live.app;
    let mut socket = subscribe(&app.address, &app.admin_token, &live.campaign, Some(&live.lam_son)).await;

    // Act: pledges until the subscription is heard; the last household of group 1 stays unsigned.
    let signed =
        pledge_until_heard(app, &mut socket, &live.group_1_households[..4], &live.campaign, ("1", 5, 0))
            .await;

    // Assert: the household left unsigned moves out; group 1 loses it from its total at once.
    let data = app
        .gql_ok(
            "mutation($id: ID!) { setHouseholdStatus(id: $id, expectedVersion: 1, status: MOVED_OUT) { status } }",
            json!({ "id": live.group_1_households[4] }),
        )
        .await;
    assert_eq!(data["setHouseholdStatus"]["status"], "MOVED_OUT");
    assert_eq!(next_json(&mut socket).await, Some(next_row("1", 4, signed)), "within {WITHIN:?}");
    // And the next pledge too, now that the subscription is surely registered.
    let unsigned = &live.group_1_households[signed as usize];
    pledge(app, unsigned, &live.campaign).await;
    assert_eq!(next_json(&mut socket).await, Some(next_row("1", 4, signed + 1)), "within {WITHIN:?}");
}

#[tokio::test]
async fn a_subscriber_of_one_ward_hears_nothing_of_a_pledge_in_another() {
    // Arrange: the W2 subscription is heard once, so it is registered.
    let live = Live::build().await;
    let app = &live.app;
    let mut socket = subscribe(&app.address, &app.admin_token, &live.campaign, Some(&live.ba_dinh)).await;
    let signed =
        pledge_until_heard(app, &mut socket, &live.group_21_households[..3], &live.campaign, ("21", 4, 0))
            .await;

    // Act
    pledge(app, &live.group_1_households[0], &live.campaign).await;

    // Assert: nothing for the W1 pledge, and the next W2 pledge is the next message.
    assert_eq!(next_json(&mut socket).await, None, "no event for a pledge in W1");
    pledge(app, &live.group_21_households[signed as usize], &live.campaign).await;
    assert_eq!(next_json(&mut socket).await, Some(next_row("21", 4, signed + 1)));
}

#[tokio::test]
async fn a_leader_hears_only_their_own_group() {
    // Arrange
    let live = Live::build().await;
    let app = &live.app;
    let leader = app.user_with_role("leader.1", "GROUP_LEADER", None, Some(&live.group_1)).await;
    let mut socket = subscribe(&app.address, &leader, &live.campaign, None).await;
    let signed =
        pledge_until_heard(app, &mut socket, &live.group_1_households[..4], &live.campaign, ("1", 5, 0))
            .await;

    // Act: a pledge in group 2 of the same ward, then one in group 1.
    pledge(app, &live.group_2_households[0], &live.campaign).await;
    assert_eq!(next_json(&mut socket).await, None, "no event for group 2");
    pledge(app, &live.group_1_households[signed as usize], &live.campaign).await;

    // Assert: the first message after both is group 1's row.
    assert_eq!(next_json(&mut socket).await, Some(next_row("1", 5, signed + 1)));
}

#[tokio::test]
async fn an_event_answers_its_fields_in_the_order_asked_even_behind_dataloaders() {
    // Arrange: the group's households and ward are resolved through dataloaders, and are asked first.
    let live = Live::build().await;
    let app = &live.app;
    let mut socket = open(&app.address).await;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", app.admin_token) } });
    send(&mut socket, init).await;
    assert_eq!(next_json(&mut socket).await, Some(json!({ "type": "connection_ack" })));
    let query = "subscription($c: ID!) { coverageUpdated(campaignId: $c) {
        group { households(first: 1) { totalCount } ward { code } code } totalHouseholds signedHouseholds
    } }";
    send(&mut socket, json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": { "c": live.campaign } } }))
        .await;

    // Act: pledges until the subscription is heard.
    let mut heard = None;
    for household in &live.group_1_households {
        pledge(app, household, &live.campaign).await;
        if let Some(Message::Text(text)) = next_within(&mut socket).await {
            heard = Some(text.to_string());
            break;
        }
    }

    // Assert: the raw text, because a JSON map would not keep the order.
    let text = heard.expect("an event");
    assert!(
        text.contains(
            r#"{"coverageUpdated":{"group":{"households":{"totalCount":5},"ward":{"code":"W1"},"code":"1"},"totalHouseholds":5,"#
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_repair_of_drifted_counters_reaches_the_subscriber_like_any_other_write() {
    // Arrange: nobody signed, so group 1 has 0 of 5; a subscriber of ward W1.
    let live = Live::build().await;
    let app = &live.app;
    let mut socket = subscribe(&app.address, &app.admin_token, &live.campaign, Some(&live.lam_son)).await;
    let (campaign, group) = (uuid(&live.campaign), uuid(&live.group_1));

    // Act: the subscription is registered some time after `subscribe`; corrupt and repair until heard.
    let mut heard = None;
    for _ in 0..10 {
        signed::Entity::delete_many().exec(&app.db).await.expect("clear the counters");
        let drifted = signed::ActiveModel {
            campaign_id: Set(campaign),
            group_id: Set(group),
            signed_households: Set(3),
        };
        signed::Entity::insert(drifted).exec(&app.db).await.expect("a drifted counter");
        let repaired = app.services.verify_coverage(true).await.expect("repair");
        assert_eq!(repaired.len(), 1, "{repaired:?}");
        heard = next_json(&mut socket).await;
        if heard.is_some() {
            break;
        }
    }

    // Assert: the repaired row, with the figures of the raw rows.
    assert_eq!(heard, Some(next_row("1", 5, 0)));
}

#[tokio::test]
async fn connection_init_without_a_token_or_with_a_bad_one_is_refused_and_the_socket_closes() {
    // Arrange
    let app = spawn_app().await;
    let no_token = "sign in first: send `Authorization: Bearer <accessToken>`";
    let invalid = "the access token is invalid or expired; refresh the session or sign in again";
    let payloads = [
        (None, no_token),
        (Some(json!({})), no_token),
        (Some(json!({ "Authorization": "Bearer not-a-token" })), invalid),
        (Some(json!({ "Authorization": format!("Basic {}", app.admin_token) })), invalid),
    ];

    for (payload, reason) in payloads {
        let mut socket = open(&app.address).await;
        let init = match &payload {
            Some(payload) => json!({ "type": "connection_init", "payload": payload }),
            None => json!({ "type": "connection_init" }),
        };

        // Act
        send(&mut socket, init).await;

        // Assert: a close frame, no connection_ack, and then the end of the socket.
        let frame = match next_within(&mut socket).await {
            Some(Message::Close(Some(frame))) => frame,
            other => panic!("{payload:?}: expected a close frame, got {other:?}"),
        };
        assert_eq!((frame.code, frame.reason.as_str()), (CloseCode::from(4403), reason), "{payload:?}");
        let rest = tokio::time::timeout(WITHIN, socket.next()).await.expect("the socket ends");
        assert!(matches!(rest, None | Some(Err(_))), "{payload:?}: nothing after the close frame: {rest:?}");
    }
}

#[tokio::test]
async fn on_postgresql_a_pledge_recorded_through_one_server_reaches_a_subscriber_of_another() {
    // Arrange
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        eprintln!("skipped: LISTEN/NOTIFY across servers needs PostgreSQL (set TEST_DATABASE_URL)");
        return;
    }
    set_clock(&app, VIETNAM_NOON);
    let ward = create_ward(&app, "W1", "Phường Lam Sơn").await;
    let group = create_group(&app, &ward, "1").await;
    let mut households = Vec::new();
    for code in ["H101", "H102", "H103", "H104"] {
        households.push(create_household(&app, &group, code, "Nguyễn Văn An").await);
    }
    let campaign = open_campaign(&app, "Toàn thành phố 2023", None).await;
    // A second server on the same database, with the same secret and clock so the token holds there too.
    let settings = crate::helpers::test_settings(&app.database.url, 4, crate::helpers::test_http_settings());
    let db = startup::connect(&app.database.url, settings.db_max_connections).await.expect("connect");
    let other = Application::build_with_clock(&settings, db.clone(), app.clock.clone())
        .await
        .expect("a second server");
    let other_address = format!("http://{}", other.local_addr().expect("bound"));
    assert_ne!(other_address, app.address);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let other_server = tokio::spawn(other.run_until(async move {
        let _ = stopped.await;
    }));
    let mut socket = subscribe(&other_address, &app.admin_token, &campaign, Some(&ward)).await;

    // Act: the pledges go through the first server only.
    let signed = pledge_until_heard(&app, &mut socket, &households[..3], &campaign, ("1", 4, 0)).await;

    // Assert: and the next one arrives within a second too.
    pledge(&app, &households[signed as usize], &campaign).await;
    assert_eq!(next_json(&mut socket).await, Some(next_row("1", 4, signed + 1)));
    drop(socket);
    let _ = stop.send(());
    other_server.await.expect("the second server stopped").expect("it served");
    db.close().await.ok();
}

#[tokio::test]
async fn the_ward_police_hear_every_group_of_their_ward_and_nothing_of_another() {
    // Arrange
    let live = Live::build().await;
    let app = &live.app;
    let police = app.user_with_role("police.w1", "WARD_POLICE", Some(&live.lam_son), None).await;
    let mut socket = subscribe(&app.address, &police, &live.campaign, None).await;
    pledge_until_heard(app, &mut socket, &live.group_1_households[..4], &live.campaign, ("1", 5, 0)).await;

    // Act: a pledge in ward W2, then one in group 2 of W1.
    pledge(app, &live.group_21_households[0], &live.campaign).await;
    assert_eq!(next_json(&mut socket).await, None, "no event for ward W2");
    pledge(app, &live.group_2_households[0], &live.campaign).await;

    // Assert
    assert_eq!(next_json(&mut socket).await, Some(next_row("2", 2, 1)));
}
