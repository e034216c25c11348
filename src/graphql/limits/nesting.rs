//! How deep an operation's selection sets nest once fragment spreads are followed, worked out without
//! recursing along chains of fragments.
//!
//! The bracket scan of the raw text is in `text`; the bound both are held to is in the parent module.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    Name,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

/// How deep the selection sets of one selection set nest by themselves (it counts 1), and where it
/// spreads fragments: at which of its depths, and which.
pub(super) struct Nesting<'a> {
    own: usize,
    spreads: Vec<(usize, &'a Name)>,
}

impl<'a> Nesting<'a> {
    /// Walks `set`; recursion here is bounded by the bracket nesting `check_text` allows.
    pub(super) fn of(set: &'a SelectionSet) -> Self {
        fn walk<'a>(set: &'a SelectionSet, depth: usize, nesting: &mut Nesting<'a>) {
            nesting.own = nesting.own.max(depth);
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) if field.node.selection_set.node.items.is_empty() => {}
                    Selection::Field(field) => walk(&field.node.selection_set.node, depth + 1, nesting),
                    Selection::InlineFragment(inline) => {
                        walk(&inline.node.selection_set.node, depth + 1, nesting)
                    }
                    Selection::FragmentSpread(spread) => {
                        nesting.spreads.push((depth, &spread.node.fragment_name.node))
                    }
                }
            }
        }
        let mut nesting = Self { own: 0, spreads: Vec::new() };
        walk(set, 1, &mut nesting);
        nesting
    }

    /// The whole nesting, given that of each fragment (an unknown fragment counts 0).
    pub(super) fn through(&self, fragments: &HashMap<&Name, usize>) -> usize {
        self.spreads
            .iter()
            .map(|(depth, name)| depth.saturating_add(fragments.get(name).copied().unwrap_or(0)))
            .fold(self.own, usize::max)
    }
}

/// The nesting of every fragment of `document`, spreads included, computed with a stack of our own
/// rather than recursion: a chain of thousands of fragments, each spreading the next, is a small
/// document. A cycle counts as ending where it closes (validation refuses it later).
pub(super) fn fragment_nesting(document: &ExecutableDocument) -> HashMap<&Name, usize> {
    let own: HashMap<&Name, Nesting<'_>> =
        document.fragments.iter().map(|(name, f)| (name, Nesting::of(&f.node.selection_set.node))).collect();
    let mut done: HashMap<&Name, usize> = HashMap::new();
    let mut open: HashSet<&Name> = HashSet::new();
    for start in own.keys() {
        if done.contains_key(start) {
            continue;
        }
        let mut stack = vec![(*start, 0usize)];
        open.insert(start);
        while let Some((name, next)) = stack.last_mut() {
            let nesting = &own[*name];
            if let Some((_, spread)) = nesting.spreads.get(*next) {
                *next += 1;
                if own.contains_key(spread) && !done.contains_key(spread) && open.insert(spread) {
                    stack.push((spread, 0));
                }
            } else {
                let name = *name;
                done.insert(name, nesting.through(&done));
                open.remove(name);
                stack.pop();
            }
        }
    }
    done
}
