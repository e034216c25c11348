//! Structural limits checked before authentication or any resolver runs: on the raw text, how deep
//! brackets nest; on the parsed document, depth, aliases, root fields and complexity.
//!
//! Selection sets nest at most `MAX_TEXT_NESTING` deep, a fragment spread counting like the selection
//! set it stands for: that is checked first, without recursion along chains of fragments, so the
//! analysis after it (which recurses once per spread) never runs deeper than that.
//!
//! Complexity counts one per field; a field that pages (it has a `first` argument, or selects `edges` or
//! `nodes`) multiplies the cost of what it selects by its page size, so `wards(first: 100) { groups(first:
//! 100) { … } }` costs what it would read. Fragments are analysed once each and reused, so a document of
//! fragments that spread each other many times costs linear time here, never exponential.
//!
//! `check`, `Exceeded` and the nesting bound live here; the bracket scan of the raw text in `text`, the
//! nesting of selection sets through fragments in `nesting`, and the walk that counts depth, complexity,
//! aliases and root fields in `analyser`.

mod analyser;
mod nesting;
mod text;

pub use text::check_text;

use async_graphql::{Variables, parser::types::ExecutableDocument};

use self::{
    analyser::Analyser,
    nesting::{Nesting, fragment_nesting},
};
use crate::{config::Limits, error::AppError};

/// A limit the document goes over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    /// Which limit, as named in `extensions.limit`: `depth`, `complexity`, `aliases` or `rootFields`.
    pub limit: &'static str,
    /// The limit.
    pub max: usize,
    /// What the document asks for.
    pub actual: usize,
}

impl Exceeded {
    /// The sentence shown to the client.
    pub fn message(&self) -> String {
        let what = match self.limit {
            "depth" => "is nested too deeply",
            "complexity" => "asks for too much at once (page sizes multiply)",
            "aliases" => "uses too many aliases",
            "nesting" => "nests brackets too deeply",
            _ => "asks for too many root fields",
        };
        format!("the query {what}: {} where at most {} is allowed", self.actual, self.max)
    }
}

/// Checks every operation of `document`; the first limit exceeded is returned.
pub fn check(document: &ExecutableDocument, variables: &Variables, limits: &Limits) -> Result<(), Exceeded> {
    let fragments = fragment_nesting(document);
    for (_, operation) in document.operations.iter() {
        let nesting = Nesting::of(&operation.node.selection_set.node).through(&fragments);
        if nesting > MAX_TEXT_NESTING {
            return Err(Exceeded { limit: "nesting", max: MAX_TEXT_NESTING, actual: nesting });
        }
        let mut analyser = Analyser::new(document, variables, &operation.node);
        let root_fields = analyser.root_fields(&operation.node.selection_set.node);
        let cost = analyser.selection_set(&operation.node.selection_set.node);
        let checks = [
            ("rootFields", limits.max_root_fields, root_fields),
            ("aliases", limits.max_aliases, cost.aliases),
            ("depth", limits.max_depth, cost.depth),
            ("complexity", limits.max_complexity, cost.complexity),
        ];
        if let Some((limit, max, actual)) = checks.into_iter().find(|(_, max, actual)| actual > max) {
            return Err(Exceeded { limit, max, actual });
        }
    }
    Ok(())
}

/// Deepest nesting of brackets the parser is given: it recurses on each, so a document of a million `[`
/// would exhaust the stack before any other check could see it.
pub const MAX_TEXT_NESTING: usize = 64;

impl From<Exceeded> for AppError {
    fn from(exceeded: Exceeded) -> Self {
        AppError::LimitExceeded {
            limit: exceeded.limit,
            max: exceeded.max,
            actual: Some(exceeded.actual),
            message: exceeded.message(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(query: &str, variables: serde_json::Value) -> Result<(), Exceeded> {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        check(&document, &Variables::from_json(variables), &Limits::default())
    }

    fn refused(query: &str) -> Exceeded {
        analyse(query, serde_json::json!({})).expect_err("over a limit")
    }

    #[test]
    fn depth_counts_fields_through_fragments() {
        let nested = |n: usize| format!("{}{}", "{ a ".repeat(n), "}".repeat(n));
        assert!(analyse(&nested(12), serde_json::json!({})).is_ok());
        assert_eq!(refused(&nested(13)), Exceeded { limit: "depth", max: 12, actual: 13 });
        let through_fragment = format!("{{ a {{ ...F }} }} fragment F on T {}", nested(12));
        assert_eq!(refused(&through_fragment).actual, 13);
    }

    #[test]
    fn page_sizes_multiply() {
        let query = |first: u32| {
            format!(
                "{{ wards(first: 100) {{ edges {{ node {{ groups(first: {first}) {{ edges {{ node {{ households {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }} }}"
            )
        };
        // 100 wards × 5 groups × 20 households (the default page) is about 100 × 5 × 63.
        assert!(analyse(&query(5), serde_json::json!({})).is_ok());
        let error = refused(&query(100));
        assert_eq!(error.limit, "complexity");
        assert!(error.actual > 100_000);
        // Three nested lists at their default page size pass.
        assert!(analyse("{ wards { edges { node { groups { edges { node { households { edges { node { id code } } } } } } } } } }", serde_json::json!({})).is_ok());
        let by_variable = "query($n: Int) { wards(first: $n) { edges { node { groups(first: 100) { edges { node { households(first: 100) { edges { node { id } } } } } } } } } }";
        assert!(analyse(by_variable, serde_json::json!({"n": 1})).is_ok());
        assert_eq!(analyse(by_variable, serde_json::json!({"n": 100})).expect_err("big").limit, "complexity");
    }

    #[test]
    fn last_counts_like_first_and_nodes_multiply_by_their_ids() {
        let deep = |page: &str| {
            format!(
                "{{ wards({page}: 100) {{ edges {{ node {{ groups({page}: 100) {{ edges {{ node {{ households {{ edges {{ node {{ id }} }} }} }} }} }} }} }} }} }}"
            )
        };
        assert_eq!(refused(&deep("first")).limit, "complexity");
        assert_eq!(refused(&deep("last")), refused(&deep("first")));
        let nodes =
            "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Ward { groups(first: 100) { edges { node {
            households(first: 100) { edges { node { id } } } } } } } } }";
        let ids = |n: usize| serde_json::json!({ "ids": vec!["x"; n] });
        assert!(analyse(nodes, ids(1)).is_ok());
        assert_eq!(analyse(nodes, ids(100)).expect_err("100 wards' worth").limit, "complexity");
    }

    #[test]
    fn aliases_and_root_fields_are_counted_per_operation() {
        let aliased = |n: usize| {
            format!("{{ me {{ {} }} }}", (0..n).map(|i| format!("a{i}: id")).collect::<Vec<_>>().join(" "))
        };
        assert!(analyse(&aliased(30), serde_json::json!({})).is_ok());
        assert_eq!(refused(&aliased(31)), Exceeded { limit: "aliases", max: 30, actual: 31 });
        let roots = |n: usize| {
            format!("{{ {} }}", (0..n).map(|i| format!("a{i}: __typename")).collect::<Vec<_>>().join(" "))
        };
        assert_eq!(refused(&roots(21)).limit, "rootFields");
    }

    #[test]
    fn fragment_fan_out_is_analysed_in_linear_time() {
        // Each fragment spreads the next twice: 2^40 fields if expanded naively.
        let mut query = String::from("{ ...F0 }");
        for i in 0..40 {
            query
                .push_str(&format!(" fragment F{i} on Query {{ a: __typename ...F{n} ...F{n} }}", n = i + 1));
        }
        query.push_str(" fragment F40 on Query { __typename }");
        let error = refused(&query);
        assert!(matches!(error.limit, "aliases" | "rootFields" | "complexity"));
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_without_recursing_along_it() {
        let chain = |n: usize| {
            let fragments: String =
                (0..n).map(|i| format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1)).collect();
            format!("{{ ...f0 }}\n{fragments}fragment f{n} on Query {{ __typename }}")
        };
        // The operation's set (1) holds f0's (2) … f61's holds f62's (64), which holds a field.
        assert!(analyse(&chain(62), serde_json::json!({})).is_ok());
        assert_eq!(refused(&chain(63)), Exceeded { limit: "nesting", max: 64, actual: 65 });
        assert_eq!(refused(&chain(20_000)).actual, 20_002);
    }

    #[test]
    fn nesting_counts_inline_fragments_and_spreads_inside_fields() {
        let inline = |n: usize| format!("{{ {}__typename{} }}", "... { ".repeat(n), " }".repeat(n));
        assert!(analyse(&inline(63), serde_json::json!({})).is_ok());
        assert_eq!(refused(&inline(64)).actual, 65);
        let deep =
            format!("{{ a {{ ...F }} }} fragment F on T {{ {}x{} }}", "... { ".repeat(62), " }".repeat(62));
        assert_eq!(refused(&deep), Exceeded { limit: "nesting", max: 64, actual: 65 });
    }

    #[test]
    fn a_fragment_cycle_does_not_loop() {
        let result = analyse(
            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            serde_json::json!({}),
        );
        assert!(result.is_ok(), "validation refuses the cycle later");
    }
}
