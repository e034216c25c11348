//! Structural limits checked on the parsed document before authentication or any resolver runs
//! (DESIGN.md §7): depth, aliases, root fields and complexity.
//!
//! Selection sets nest at most `MAX_TEXT_NESTING` deep, a fragment spread counting like the selection
//! set it stands for: that is checked first, without recursion along chains of fragments, so the
//! analysis after it (which recurses once per spread) never runs deeper than that.
//!
//! Complexity counts one per field; a field that pages (it has a `first` argument, or selects `edges` or
//! `nodes`) multiplies the cost of what it selects by its page size, so `wards(first: 100) { groups(first:
//! 100) { … } }` costs what it would read. Fragments are analysed once each and reused, so a document of
//! fragments that spread each other many times costs linear time here, never exponential.

use std::collections::{HashMap, HashSet};

use async_graphql::{
    Name, Positioned, Variables,
    parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};
use async_graphql_value::{ConstValue, Value};

use crate::{
    config::Limits,
    error::AppError,
    service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE},
};

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

/// What a selection set costs.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    depth: usize,
    complexity: usize,
    aliases: usize,
}

struct Analyser<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    operation: &'a OperationDefinition,
    fragments: HashMap<&'a str, Cost>,
    fragment_roots: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
}

/// Checks every operation of `document`; the first limit exceeded is returned.
pub fn check(document: &ExecutableDocument, variables: &Variables, limits: &Limits) -> Result<(), Exceeded> {
    let fragments = fragment_nesting(document);
    for (_, operation) in document.operations.iter() {
        let nesting = Nesting::of(&operation.node.selection_set.node).through(&fragments);
        if nesting > MAX_TEXT_NESTING {
            return Err(Exceeded { limit: "nesting", max: MAX_TEXT_NESTING, actual: nesting });
        }
        let mut analyser = Analyser {
            document,
            variables,
            operation: &operation.node,
            fragments: HashMap::new(),
            fragment_roots: HashMap::new(),
            visiting: Vec::new(),
        };
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

/// How deep the selection sets of one selection set nest by themselves (it counts 1), and where it
/// spreads fragments: at which of its depths, and which.
struct Nesting<'a> {
    own: usize,
    spreads: Vec<(usize, &'a Name)>,
}

impl<'a> Nesting<'a> {
    /// Walks `set`; recursion here is bounded by the bracket nesting `check_text` allows.
    fn of(set: &'a SelectionSet) -> Self {
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
    fn through(&self, fragments: &HashMap<&Name, usize>) -> usize {
        self.spreads
            .iter()
            .map(|(depth, name)| depth.saturating_add(fragments.get(name).copied().unwrap_or(0)))
            .fold(self.own, usize::max)
    }
}

/// The nesting of every fragment of `document`, spreads included, computed with a stack of our own
/// rather than recursion: a chain of thousands of fragments, each spreading the next, is a small
/// document. A cycle counts as ending where it closes (validation refuses it later).
fn fragment_nesting(document: &ExecutableDocument) -> HashMap<&Name, usize> {
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

/// Deepest nesting of brackets the parser is given: it recurses on each, so a document of a million `[`
/// would exhaust the stack before any other check could see it.
pub const MAX_TEXT_NESTING: usize = 64;

/// Checks the raw text before parsing: brackets (`{`, `[`, `(`) outside strings and comments nest at
/// most `MAX_TEXT_NESTING` deep. Strings are skipped as the lexer reads them: a block string (`"""…"""`,
/// where only `\"""` escapes) may hold lone quotes, and a string ends at a line feed at the latest;
/// reading a block string as three short strings would hide every bracket after a lone quote in it.
/// Every character that matters is ASCII, so the bytes are read.
pub fn check_text(query: &str, _limits: &Limits) -> Result<(), Exceeded> {
    let text = query.as_bytes();
    let starts = |i: usize, pattern: &[u8]| text.get(i..i + pattern.len()) == Some(pattern);
    let (mut i, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    while i < text.len() {
        match text[i] {
            b'#' => {
                while i < text.len() && !matches!(text[i], b'\n' | b'\r') {
                    i += 1;
                }
            }
            b'"' if starts(i, b"\"\"\"") => {
                i += 3;
                while i < text.len() && !starts(i, b"\"\"\"") {
                    i += if starts(i, b"\\\"\"\"") { 4 } else { 1 };
                }
                // Past the closing quotes (the last one with the step below).
                i += 2;
            }
            b'"' => {
                i += 1;
                // A lone `\r` is no string character for the lexer, which then fails there; reading
                // on to the next quote or line feed never counts fewer brackets than it would parse.
                while i < text.len() && !matches!(text[i], b'"' | b'\n') {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    if deepest > MAX_TEXT_NESTING {
        return Err(Exceeded { limit: "nesting", max: MAX_TEXT_NESTING, actual: deepest });
    }
    Ok(())
}

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

impl<'a> Analyser<'a> {
    fn root_fields(&mut self, set: &'a SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(inline) => self.root_fields(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if let Some(count) = self.fragment_roots.get(name) {
                        return *count;
                    }
                    if self.visiting.contains(&name) {
                        return 0;
                    }
                    let Some(fragment) = self.document.fragments.get(&spread.node.fragment_name.node) else {
                        return 0;
                    };
                    self.visiting.push(name);
                    let count = self.root_fields(&fragment.node.selection_set.node);
                    self.visiting.pop();
                    self.fragment_roots.insert(name, count);
                    count
                }
            })
            .fold(0, usize::saturating_add)
    }

    fn selection_set(&mut self, set: &'a SelectionSet) -> Cost {
        let mut total = Cost::default();
        for item in &set.items {
            let cost = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    // Introspection is switched off in production; in development GraphiQL's own
                    // introspection query is deeper than any real one.
                    if field.name.node.starts_with("__") && field.name.node != "__typename" {
                        continue;
                    }
                    let children = self.selection_set(&field.selection_set.node);
                    let multiplier = self.page_size(&field.arguments, &field.selection_set.node);
                    Cost {
                        depth: children.depth.saturating_add(1),
                        complexity: children.complexity.saturating_mul(multiplier).saturating_add(1),
                        aliases: children.aliases.saturating_add(usize::from(field.alias.is_some())),
                    }
                }
                Selection::InlineFragment(inline) => self.selection_set(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node),
            };
            total.depth = total.depth.max(cost.depth);
            total.complexity = total.complexity.saturating_add(cost.complexity);
            total.aliases = total.aliases.saturating_add(cost.aliases);
        }
        total
    }

    fn fragment(&mut self, name: &'a Name) -> Cost {
        if let Some(cost) = self.fragments.get(name.as_str()) {
            return *cost;
        }
        // A cycle is refused by validation later; here it only must not loop.
        if self.visiting.contains(&name.as_str()) {
            return Cost::default();
        }
        let Some(fragment) = self.document.fragments.get(name) else { return Cost::default() };
        self.visiting.push(name.as_str());
        let cost = self.selection_set(&fragment.node.selection_set.node);
        self.visiting.pop();
        self.fragments.insert(name.as_str(), cost);
        cost
    }

    /// How many items a field returns per parent: its `first`, the default page for a connection
    /// without one, and 1 for anything else.
    fn page_size(&self, arguments: &[(Positioned<Name>, Positioned<Value>)], set: &SelectionSet) -> usize {
        let first = arguments.iter().find(|(name, _)| name.node == "first").map(|(_, value)| &value.node);
        let pages = set.items.iter().any(|item| {
            matches!(&item.node, Selection::Field(f) if f.node.name.node == "edges" || f.node.name.node == "nodes")
        });
        let requested = match first {
            Some(Value::Variable(variable)) => self.variable(variable),
            Some(value) => integer(value),
            None if pages => Some(DEFAULT_PAGE_SIZE),
            None => return 1,
        };
        // An out-of-range `first` is refused by the resolver; here it counts as the largest page.
        requested.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE) as usize
    }

    fn variable(&self, name: &Name) -> Option<u64> {
        if let Some(value) = self.variables.get(name) {
            return const_integer(value);
        }
        let definition = self.operation.variable_definitions.iter().find(|d| d.node.name.node == *name)?;
        let default = definition.node.default_value.as_ref()?;
        const_integer(&default.node)
    }
}

fn integer(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_i64().map(i64::unsigned_abs).or(Some(MAX_PAGE_SIZE)),
        Value::Null => None,
        _ => Some(MAX_PAGE_SIZE),
    }
}

fn const_integer(value: &ConstValue) -> Option<u64> {
    match value {
        ConstValue::Number(number) => number.as_i64().map(i64::unsigned_abs).or(Some(MAX_PAGE_SIZE)),
        ConstValue::Null => None,
        _ => Some(MAX_PAGE_SIZE),
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
    fn brackets_after_a_block_string_with_a_lone_quote_are_counted() {
        let hidden =
            |n: usize| format!("{{ a(b: \"\"\"x\"y\"\"\", c: {}{}) }}", "[".repeat(n), "]".repeat(n));
        assert!(check_text(&hidden(62), &Limits::default()).is_ok());
        assert_eq!(check_text(&hidden(63), &Limits::default()).expect_err("deep").actual, 65);
        let escaped = format!("{{ a(b: \"\"\" \\\"\"\" [[[ \"\"\", c: {}) }}", "[".repeat(70));
        assert_eq!(check_text(&escaped, &Limits::default()).expect_err("deep").actual, 72);
        let open_string = format!("{{ a(b: \"x\n{}) }}", "[".repeat(70));
        assert_eq!(check_text(&open_string, &Limits::default()).expect_err("deep").actual, 72);
        assert!(check_text("{ a(b: \"[[[\\\"[[[\") } # [[[", &Limits::default()).is_ok());
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
