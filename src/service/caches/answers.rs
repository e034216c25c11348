//! Whole answers to read-only operations, as their client received them, reused for the same caller,
//! document and variables until something they show moves.
//!
//! Which operations qualify is decided above (only fields whose data moves with the generations of
//! their ward); the resolvers say which wards an answer read (`Reads`). Freshness is that of the shared
//! reports: an answer is stamped with the generation current before it was computed, and answers a
//! later request only while nothing moved since in the wards it read, so no request sees an answer older
//! than a write acknowledged before it arrived.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use bytes::Bytes;
use uuid::Uuid;

use super::shared::{Generations, Stamp, lock, reusable};
use crate::auth::Actor;

/// At most this many bytes of answers are kept; past it they are all forgotten (each costs one
/// execution to keep again).
const MAX_BYTES: usize = 32 << 20;
/// A larger answer is not kept (a whole province's report is about 2 MB).
const MAX_ANSWER_BYTES: usize = 8 << 20;

/// Which answer: who asked, with what document, operation and variables.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    actor: Arc<Actor>,
    document: String,
    operation: Option<String>,
    variables: String,
}

impl AnswerKey {
    /// The answer `actor` gets to `operation` of `document` with `variables` (as JSON text).
    pub fn new(actor: Arc<Actor>, document: String, operation: Option<String>, variables: String) -> Self {
        Self { actor, document, operation, variables }
    }
}

/// What an answer read, as its resolvers report it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Reads {
    /// Nothing that moves.
    #[default]
    Nothing,
    /// Data of these wards.
    Wards(Vec<Uuid>),
    /// Data of every ward.
    Everywhere,
    /// Something no generation follows: the answer cannot be reused.
    Untracked,
}

impl Reads {
    /// Data of `wards` (none: of every ward).
    pub fn of(wards: Option<&[Uuid]>) -> Self {
        let mut reads = Self::Nothing;
        reads.add(wards);
        reads
    }

    /// The answer also read data of `wards` (none: of every ward).
    pub fn add(&mut self, wards: Option<&[Uuid]>) {
        match (&mut *self, wards) {
            (Self::Untracked | Self::Everywhere, _) => {}
            (_, None) => *self = Self::Everywhere,
            (Self::Nothing, Some(wards)) => *self = Self::Wards(wards.to_vec()),
            (Self::Wards(read), Some(wards)) => {
                for ward in wards {
                    if !read.contains(ward) {
                        read.push(*ward);
                    }
                }
            }
        }
    }

    /// The answer also read what `other` read.
    pub fn include(&mut self, other: &Reads) {
        match other {
            Self::Nothing => {}
            Self::Wards(wards) => self.add(Some(wards)),
            Self::Everywhere => self.add(None),
            Self::Untracked => self.untracked(),
        }
    }

    /// The answer read something no generation follows.
    pub fn untracked(&mut self) {
        *self = Self::Untracked;
    }

    /// The wards a reusable answer depends on (none: every ward); `None` when it cannot be reused.
    fn depends_on(self) -> Option<Option<Vec<Uuid>>> {
        match self {
            Self::Wards(wards) => Some(Some(wards)),
            Self::Everywhere => Some(None),
            Self::Nothing | Self::Untracked => None,
        }
    }
}

/// The moment an answer started being computed.
pub struct AnswerStart(Stamp);

struct Kept {
    body: Bytes,
    stamp: Stamp,
    wards: Option<Vec<Uuid>>,
}

/// The answers kept, and the bytes they hold.
#[derive(Default)]
pub(in crate::service) struct Answers {
    kept: Mutex<(HashMap<AnswerKey, Kept>, usize)>,
}

impl Answers {
    /// Stamps an answer about to be computed.
    pub(in crate::service) fn start(generations: &Generations) -> AnswerStart {
        AnswerStart(Stamp { generation: generations.current(), computed: Instant::now() })
    }

    /// The kept answer of `key`, if nothing it read moved since it was computed.
    pub(in crate::service) fn get(&self, generations: &Generations, key: &AnswerKey) -> Option<Bytes> {
        if !generations.open() {
            return None;
        }
        let mut kept = lock(&self.kept);
        let (answers, bytes) = &mut *kept;
        let answer = answers.get(key)?;
        if reusable(&answer.stamp, generations.seen(answer.wards.as_deref())) {
            return Some(answer.body.clone());
        }
        if let Some(stale) = answers.remove(key) {
            *bytes -= stale.body.len();
        }
        None
    }

    /// Keeps `body` as the answer of `key`, computed from `start`, if what it read lets it be reused.
    pub(in crate::service) fn keep(&self, key: AnswerKey, start: AnswerStart, reads: Reads, body: Bytes) {
        let Some(wards) = reads.depends_on() else { return };
        if body.len() > MAX_ANSWER_BYTES {
            return;
        }
        let mut kept = lock(&self.kept);
        let (answers, bytes) = &mut *kept;
        if *bytes + body.len() > MAX_BYTES {
            answers.clear();
            *bytes = 0;
        }
        *bytes += body.len();
        if let Some(replaced) = answers.insert(key, Kept { body, stamp: start.0, wards }) {
            *bytes -= replaced.body.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(variables: &str) -> AnswerKey {
        let actor = Arc::new(Actor::system());
        AnswerKey::new(actor, "{ a }".into(), None, variables.into())
    }

    #[test]
    fn an_answer_is_reused_until_a_ward_it_read_moves() {
        let (answers, generations) = (Answers::default(), Generations::default());
        let (read, other) = (Uuid::now_v7(), Uuid::now_v7());
        let start = Answers::start(&generations);
        let mut reads = Reads::default();
        reads.add(Some(&[read]));
        answers.keep(key("1"), start, reads, Bytes::from_static(b"one"));

        assert_eq!(answers.get(&generations, &key("1")).as_deref(), Some(&b"one"[..]));
        assert_eq!(answers.get(&generations, &key("2")), None, "other variables");
        generations.moved(Some(other));
        assert!(answers.get(&generations, &key("1")).is_some(), "another ward moved");
        generations.moved(Some(read));
        assert_eq!(answers.get(&generations, &key("1")), None, "its ward moved");
        assert_eq!(lock(&answers.kept).1, 0, "the stale answer is forgotten");
    }

    #[test]
    fn an_answer_computed_while_its_ward_moved_is_stale_at_once() {
        let (answers, generations) = (Answers::default(), Generations::default());
        let ward = Uuid::now_v7();
        let start = Answers::start(&generations);
        generations.moved(Some(ward));
        let mut reads = Reads::default();
        reads.add(Some(&[ward]));
        answers.keep(key("1"), start, reads, Bytes::from_static(b"one"));
        assert_eq!(answers.get(&generations, &key("1")), None);
    }

    #[test]
    fn answers_that_read_nothing_followed_or_something_untracked_are_not_kept() {
        let (answers, generations) = (Answers::default(), Generations::default());
        answers.keep(key("1"), Answers::start(&generations), Reads::Nothing, Bytes::from_static(b"x"));
        let mut reads = Reads::default();
        reads.add(None);
        reads.untracked();
        reads.add(Some(&[Uuid::now_v7()]));
        assert_eq!(reads, Reads::Untracked);
        answers.keep(key("2"), Answers::start(&generations), reads, Bytes::from_static(b"x"));
        assert!(lock(&answers.kept).0.is_empty());

        let mut everywhere = Reads::default();
        everywhere.add(Some(&[Uuid::now_v7()]));
        everywhere.add(None);
        answers.keep(key("3"), Answers::start(&generations), everywhere, Bytes::from_static(b"x"));
        generations.moved(Some(Uuid::now_v7()));
        assert_eq!(answers.get(&generations, &key("3")), None, "read every ward: any move is stale");
    }
}
