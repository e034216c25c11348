//! Puts every object of a response in the order its fields were asked for.
//!
//! The GraphQL specification orders a result map as the request's selection set does; async-graphql
//! collects the fields of a query in the order they finish, so a field resolved through a dataloader
//! comes after its siblings. This extension keeps the parsed document and, once the operation has run,
//! sorts each object's keys by their first appearance in the (fragment-expanded) selection set. The
//! HTTP handler applies the same `Plan` itself (its schema runs without extensions).

use std::{collections::HashMap, sync::Arc};

use async_graphql::{
    Name, Positioned, Response, ServerResult, Value as ConstValue, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{Directive, DocumentOperations, ExecutableDocument, Selection, SelectionSet},
};
use async_graphql_value::Value;
use tokio::sync::Mutex;

/// The factory registered on the schema.
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrderExtension { document: Mutex::new(None) })
    }
}

struct FieldOrderExtension {
    document: Mutex<Option<(ExecutableDocument, Variables)>>,
}

#[async_trait::async_trait]
impl Extension for FieldOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        *self.document.lock().await = Some((document.clone(), variables.clone()));
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if let Some((document, variables)) = self.document.lock().await.as_ref()
            && let Some(plan) = Plan::for_operation(document, variables, operation_name)
        {
            plan.apply(&mut response.data);
        }
        response
    }
}

fn operation_selection<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a SelectionSet> {
    match &document.operations {
        DocumentOperations::Single(operation) => Some(&operation.node.selection_set.node),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name).map(|op| &op.node.selection_set.node),
            None if operations.len() == 1 => operations.values().next().map(|op| &op.node.selection_set.node),
            None => None,
        },
    }
}

/// What a plan is drawn from: the document and the variables its directives read.
struct Request<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
}

impl Request<'_> {
    /// Whether `@skip`/`@include` leave the selection in.
    fn included(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().all(|directive| {
            let wanted = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return true,
            };
            let condition = match directive.node.get_argument("if").map(|value| &value.node) {
                Some(Value::Boolean(condition)) => *condition,
                Some(Value::Variable(name)) => {
                    matches!(self.variables.get(name), Some(ConstValue::Boolean(true)))
                }
                _ => return true,
            };
            condition == wanted
        })
    }
}

/// The order of one object's keys, and the plan of each key's value; built once per selection, so a
/// list of thousands of rows is sorted with one plan. Objects are nearly always in order already, so
/// `apply` walks an object's keys and the plan's side by side, without hashing.
#[derive(Default)]
pub struct Plan {
    /// The response keys, in the order they were asked for.
    keys: Vec<Name>,
    /// The plan of each key's value, at the key's index; none for a leaf.
    children: Vec<Option<Plan>>,
}

impl Plan {
    /// The plan of the operation `operation_name` of `document` (the only one when none is named).
    pub fn for_operation(
        document: &ExecutableDocument,
        variables: &Variables,
        operation_name: Option<&str>,
    ) -> Option<Self> {
        let selection = operation_selection(document, operation_name)?;
        Some(Plan::of(&Request { document, variables }, &[selection]))
    }

    /// The plan of the merged `selections` (several when one response key is selected more than once).
    fn of(request: &Request<'_>, selections: &[&SelectionSet]) -> Self {
        let mut keys: Vec<Name> = Vec::new();
        let mut nested: HashMap<Name, Vec<&SelectionSet>> = HashMap::new();
        for set in selections {
            collect(request, set, &mut keys, &mut nested, 0);
        }
        let children = keys
            .iter()
            .map(|key| match nested.remove(key) {
                Some(sets) if !sets.is_empty() => Some(Plan::of(request, &sets)),
                _ => None,
            })
            .collect();
        Self { keys, children }
    }

    /// The index of `key` at or after `from`.
    fn find(&self, key: &Name, from: usize) -> Option<usize> {
        self.keys.get(from..)?.iter().position(|k| k == key).map(|offset| from + offset)
    }

    /// Puts every object of `value` in the order its fields were asked for.
    pub fn apply(&self, value: &mut ConstValue) {
        match value {
            ConstValue::Object(map) => {
                let mut next = 0;
                let in_order =
                    map.keys().all(|key| self.find(key, next).map(|index| next = index + 1).is_some());
                if !in_order {
                    // Keys the plan does not know (none in practice) go last.
                    map.sort_by_cached_key(|key, _| self.find(key, 0).unwrap_or(usize::MAX));
                }
                let mut next = 0;
                for (key, child) in map.iter_mut() {
                    let Some(index) = self.find(key, next) else { continue };
                    next = index + 1;
                    if let Some(plan) = &self.children[index] {
                        plan.apply(child);
                    }
                }
            }
            ConstValue::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            _ => {}
        }
    }
}

/// The fields of `set` by response key, fragments expanded in place (CollectFields), without those `@skip`/`@include` leave out. Type conditions
/// are not needed to order: a key whose fragment did not apply is simply absent from the object.
fn collect<'a>(
    request: &Request<'a>,
    set: &'a SelectionSet,
    keys: &mut Vec<Name>,
    nested: &mut HashMap<Name, Vec<&'a SelectionSet>>,
    depth: usize,
) {
    // Fragment cycles are refused by validation; the bound keeps this safe regardless.
    if depth > 64 {
        return;
    }
    for selection in &set.items {
        if !request.included(selection.node.directives()) {
            continue;
        }
        match &selection.node {
            Selection::Field(field) => {
                let key = field.node.response_key().node.clone();
                let sets = nested.entry(key.clone()).or_insert_with(|| {
                    keys.push(key);
                    Vec::new()
                });
                if !field.node.selection_set.node.items.is_empty() {
                    sets.push(&field.node.selection_set.node);
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = request.document.fragments.get(&spread.node.fragment_name.node) {
                    collect(request, &fragment.node.selection_set.node, keys, nested, depth + 1);
                }
            }
            Selection::InlineFragment(inline) => {
                collect(request, &inline.node.selection_set.node, keys, nested, depth + 1);
            }
        }
    }
}
