//! The walk of one operation's selection sets that counts its depth, complexity, aliases and root
//! fields, each fragment analysed once and reused.
//!
//! The limits these counts are held to, and the nesting check that bounds how deep this walk recurses,
//! are in the parent module and `nesting`.

use std::collections::HashMap;

use async_graphql::{
    Name, Positioned, Variables,
    parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet},
};
use async_graphql_value::{ConstValue, Value};

use crate::service::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

/// What a selection set costs.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cost {
    pub(super) depth: usize,
    pub(super) complexity: usize,
    pub(super) aliases: usize,
}

/// The analysis of one operation of a document.
pub(super) struct Analyser<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    operation: &'a OperationDefinition,
    fragments: HashMap<&'a str, Cost>,
    fragment_roots: HashMap<&'a str, usize>,
    visiting: Vec<&'a str>,
}

impl<'a> Analyser<'a> {
    pub(super) fn new(
        document: &'a ExecutableDocument,
        variables: &'a Variables,
        operation: &'a OperationDefinition,
    ) -> Self {
        Self {
            document,
            variables,
            operation,
            fragments: HashMap::new(),
            fragment_roots: HashMap::new(),
            visiting: Vec::new(),
        }
    }

    pub(super) fn root_fields(&mut self, set: &'a SelectionSet) -> usize {
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

    pub(super) fn selection_set(&mut self, set: &'a SelectionSet) -> Cost {
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

    /// How many items a field returns per parent: its `first` or `last`, the default page for a
    /// connection without either, the number of `ids` for `nodes`, and 1 for anything else.
    fn page_size(&self, arguments: &[(Positioned<Name>, Positioned<Value>)], set: &SelectionSet) -> usize {
        let argument = |wanted: &str| {
            arguments.iter().find(|(name, _)| name.node == wanted).map(|(_, value)| &value.node)
        };
        if let Some(ids) = argument("ids") {
            return self.list_length(ids).clamp(1, crate::graphql::node::MAX_NODES);
        }
        let first = argument("first").or_else(|| argument("last"));
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

    /// The length of a list argument, literal or variable; longer than any allowed list when unknown
    /// (a list longer than allowed is refused by its resolver, so it costs the most allowed here).
    fn list_length(&self, value: &Value) -> usize {
        let variable = |name: &Name| {
            if let Some(value) = self.variables.get(name) {
                return Some(value.clone());
            }
            let definition =
                self.operation.variable_definitions.iter().find(|d| d.node.name.node == *name)?;
            definition.node.default_value.as_ref().map(|default| default.node.clone())
        };
        // A single value stands for a list of one, as GraphQL coerces it.
        match value {
            Value::List(items) => items.len(),
            Value::Variable(name) => match variable(name) {
                Some(ConstValue::List(items)) => items.len(),
                Some(_) => 1,
                None => usize::MAX,
            },
            _ => 1,
        }
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
