//! Coverage events on their way to the other server processes, sent in batches.
//!
//! PostgreSQL serialises the commits of every transaction that sends a notification (to keep its queue
//! in commit order), disk flush included. One `NOTIFY` per recorded pledge, in its transaction or after
//! it, would make every pledge wait for the previous one's flush; so, as a database groups commits, the
//! events queued while one notification is on its way go out together in the next (one JSON array per
//! notification). Each writer is answered once its events are sent, as before, so what a client does
//! next is heard after them. The notifications use a connection of their own, outside the pool.

use sea_orm::{
    DatabaseConnection,
    sqlx::{Connection, Executor, postgres::PgConnection},
};
use tokio::sync::{mpsc, oneshot};

use super::{COVERAGE, CoverageEvent};

/// Largest payload sent in one notification (PostgreSQL's limit is 8,000 bytes).
const MAX_PAYLOAD: usize = 7_000;

/// Events to send, and whom to tell once they are.
type Queued = (Vec<CoverageEvent>, oneshot::Sender<()>);

/// The queue of coverage events to send.
pub(super) struct Outbox(mpsc::UnboundedSender<Queued>);

impl Outbox {
    /// An outbox sending on a connection to `db`'s server, from a task of its own.
    pub(super) fn start(db: DatabaseConnection) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(send_batches(db, receiver));
        Self(sender)
    }

    /// Sends `events` with whatever else is queued; returns once they are sent (or could not be).
    pub(super) async fn send(&self, events: Vec<CoverageEvent>) {
        if events.is_empty() {
            return;
        }
        let (sent, done) = oneshot::channel();
        if self.0.send((events, sent)).is_ok() {
            let _ = done.await;
        }
    }
}

async fn send_batches(db: DatabaseConnection, mut queue: mpsc::UnboundedReceiver<Queued>) {
    let mut connection: Option<PgConnection> = None;
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while let Ok(more) = queue.try_recv() {
            batch.push(more);
        }
        let mut events: Vec<CoverageEvent> =
            batch.iter().flat_map(|(events, _)| events.iter().copied()).collect();
        events.sort_by_key(|e| (e.campaign_id, e.group_id));
        events.dedup();
        if connection.is_none() {
            let options = db.get_postgres_connection_pool().connect_options();
            connection = PgConnection::connect_with(&options).await.ok();
        }
        // Best effort, as every coverage event: a dashboard that misses one catches up with the next.
        match connection.as_mut() {
            Some(open) => {
                for payload in payloads(&events) {
                    let notify =
                        sea_orm::sqlx::query("SELECT pg_notify($1, $2)").bind(COVERAGE).bind(payload);
                    if let Err(err) = open.execute(notify).await {
                        tracing::warn!(error = %err, "could not announce coverage events");
                        connection = None;
                        break;
                    }
                }
            }
            None => tracing::warn!("could not connect to announce coverage events"),
        }
        for (_, sent) in batch {
            let _ = sent.send(());
        }
    }
}

/// `events` as JSON arrays of at most `MAX_PAYLOAD` bytes.
fn payloads(events: &[CoverageEvent]) -> Vec<String> {
    let mut payloads = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = 2;
    for event in events {
        let Ok(text) = serde_json::to_string(event) else { continue };
        if !current.is_empty() && size + text.len() + 1 > MAX_PAYLOAD {
            payloads.push(format!("[{}]", current.join(",")));
            current.clear();
            size = 2;
        }
        size += text.len() + 1;
        current.push(text);
    }
    if !current.is_empty() {
        payloads.push(format!("[{}]", current.join(",")));
    }
    payloads
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_batch_too_large_for_one_notification_is_split_and_nothing_is_lost() {
        let events: Vec<CoverageEvent> = (0..200)
            .map(|_| CoverageEvent {
                campaign_id: Some(Uuid::new_v4()),
                group_id: Uuid::new_v4(),
                ward_id: Uuid::new_v4(),
            })
            .collect();

        let payloads = payloads(&events);

        assert!(payloads.len() > 1);
        assert!(payloads.iter().all(|p| p.len() <= MAX_PAYLOAD), "{:?}", payloads.iter().map(String::len));
        let read: Vec<CoverageEvent> = payloads
            .iter()
            .flat_map(|p| serde_json::from_str::<Vec<CoverageEvent>>(p).expect("JSON"))
            .collect();
        assert_eq!(read, events);
    }
}
